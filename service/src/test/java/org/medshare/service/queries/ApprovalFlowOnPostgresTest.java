package org.medshare.service.queries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
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
