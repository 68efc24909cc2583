package org.medshare.service.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.service.testing.PostgresProfile;

/** The production profile's database: migrations and persistence against a real PostgreSQL. */
@QuarkusTest
@Tag("postgres")
@TestProfile(PostgresProfile.class)
class PostgresPersistenceTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void partiesArePersistedInPostgres() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertEquals("PostgreSQL", c.getMetaData().getDatabaseProductName());
        }
        given().get("/api/v1/me").then().statusCode(200);
        given().get("/api/v1/me").then().statusCode(200);
        given().get("/api/v1/parties")
                .then()
                .statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].subject", equalTo("rita"));
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "select count(*) from " + PostgresProfile.SCHEMA + ".party where subject = 'rita'")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }
}
