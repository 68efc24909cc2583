package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.service.testing.NativeSqlRecorder;
import org.medshare.service.testing.PostgresProfile;

/**
 * {@link ApprovalFlowTest} against the real PostgreSQL (schema {@value NativeSqlSchema#NAME}): its steps run
 * every native SQL statement of the service, and the tests in the default tier run them only on H2, so a statement
 * that only H2 accepts, or that answers differently there, fails here. Its last step checks that every service method
 * that creates a native query ran one here ({@link NativeSqlRecorder}), so a new one without a step fails it.
 */
@QuarkusTest
@Tag("postgres")
@TestProfile(ApprovalFlowOnPostgresTest.NativeSqlSchema.class)
class ApprovalFlowOnPostgresTest extends ApprovalFlowTest {

    /**
     * Last before the check, since keys for the flow's epoch are refused afterwards: the regulator raises the
     * attribute epoch, and a second raise to the same epoch is refused.
     */
    @Test
    @Order(99)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void theRegulatorRaisesTheAttributeEpochOnce() {
        given().contentType("application/json")
                .body("{\"epoch\":\"2027Q1\"}")
                .post("/api/v1/authority/epochs")
                .then()
                .statusCode(200)
                .body("current", equalTo("2027Q1"))
                .body("retired", equalTo(List.of("2026Q4")));
        given().contentType("application/json")
                .body("{\"epoch\":\"2027Q1\"}")
                .post("/api/v1/authority/epochs")
                .then()
                .statusCode(409)
                .body("type", endsWith("/epoch-not-later"));
    }

    @Test
    @Order(100)
    void everyNativeStatementOfTheServiceRanOnPostgres() {
        Set<String> declared = NativeSqlRecorder.declaredSites();
        assertTrue(declared.size() >= 15, "the source scan finds the native statements: " + declared);
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(NativeSqlRecorder.seenSites());
        assertEquals(Set.of(), missing, "native SQL that no step of this test ran on PostgreSQL: add a step");
    }

    /** PostgreSQL in a schema of this test's own. */
    public static class NativeSqlSchema extends PostgresProfile {

        static final String NAME = "medshare_native_test";

        @Override
        protected String schema() {
            return NAME;
        }
    }
}
