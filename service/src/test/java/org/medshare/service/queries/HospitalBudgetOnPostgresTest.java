package org.medshare.service.queries;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.medshare.service.testing.PostgresProfile;

/**
 * {@link HospitalBudgetTest} against the real PostgreSQL (schema {@value BudgetSchema#NAME}): the 32-thread race, the
 * rolled-back charge over two hospitals and the refund run on PostgreSQL's row locks and key checks.
 */
@QuarkusTest
@Tag("postgres")
@TestProfile(HospitalBudgetOnPostgresTest.BudgetSchema.class)
class HospitalBudgetOnPostgresTest extends HospitalBudgetTest {

    /** PostgreSQL in a schema of this test's own. */
    public static class BudgetSchema extends PostgresProfile {

        static final String NAME = "medshare_budget_test";

        @Override
        protected String schema() {
            return NAME;
        }
    }
}
