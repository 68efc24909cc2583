package org.medshare.service.queries;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.medshare.service.testing.PostgresProfile;

/**
 * {@link ApprovalFlowTest} against the real PostgreSQL (schema {@value NativeSqlSchema#NAME}): its steps run
 * every native SQL statement of the service, and the tests in the default tier run them only on H2, so a statement
 * that only H2 accepts, or that answers differently there, fails here.
 */
@QuarkusTest
@Tag("postgres")
@TestProfile(ApprovalFlowOnPostgresTest.NativeSqlSchema.class)
class ApprovalFlowOnPostgresTest extends ApprovalFlowTest {

    /** PostgreSQL in a schema of this test's own. */
    public static class NativeSqlSchema extends PostgresProfile {

        static final String NAME = "medshare_native_test";

        @Override
        protected String schema() {
            return NAME;
        }
    }
}
