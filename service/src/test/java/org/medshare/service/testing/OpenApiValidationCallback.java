package org.medshare.service.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Installs {@link OpenApiValidation} before every {@code @QuarkusTest} method (registered through
 * {@code META-INF/services}), so that every answer in the service tests is held to the OpenAPI document.
 */
public class OpenApiValidationCallback implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        OpenApiValidation.install(context.getTestInstance().getClass().getSimpleName() + "."
                + context.getTestMethod().getName());
    }
}
