package org.medshare.service.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The production database: PostgreSQL on 127.0.0.1:5432 (database {@code test}), in a schema of its own
 * ({@link #schema()}) that Flyway cleans and migrates at start. Tests with this profile are tagged
 * {@code postgres}.
 */
public class PostgresProfile implements QuarkusTestProfile {

    public static final String SCHEMA = "medshare_test";

    /** The schema this profile's tests own; a subclass names another, so that test classes never share one. */
    protected String schema() {
        return SCHEMA;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.datasource.db-kind",
                "postgresql",
                "quarkus.datasource.jdbc.url",
                System.getProperty("medshare.test.postgres-url", "jdbc:postgresql://127.0.0.1:5432/test")
                        + "?currentSchema=" + schema(),
                "quarkus.datasource.username",
                System.getProperty("medshare.test.postgres-user", "postgres"),
                "quarkus.datasource.password",
                "",
                "quarkus.flyway.schemas",
                schema(),
                "quarkus.flyway.create-schemas",
                "true");
    }
}
