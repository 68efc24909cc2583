package org.medshare.service.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.service.testing.KeycloakTokens;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * End to end through the real Keycloak (scripts/keycloak.sh start, realm sample-data/keycloak):
 * real signed tokens for every role, verified by the service.
 */
@QuarkusTest
@Tag("keycloak")
@TestProfile(RealKeycloakProfile.class)
class KeycloakRealTokensTest {

    @BeforeAll
    static void keycloakIsRunning() {
        try {
            Response r = given().get(RealKeycloakProfile.REALM_URL + "/.well-known/openid-configuration");
            assertEquals(200, r.statusCode());
        } catch (Exception e) {
            fail("Keycloak is not running at " + RealKeycloakProfile.REALM_URL
                    + ": start it with scripts/keycloak.sh start (the README's test command does)");
        }
    }

    @Test
    void hospitalPhysicianSeesRoleOrganisationAndAttributes() throws Exception {
        String alice = KeycloakTokens.user("alice");
        String sub = new ObjectMapper()
                .readTree(Base64.getUrlDecoder().decode(alice.split("\\.")[1]))
                .path("sub")
                .asText();
        assertTrue(sub.matches("[0-9a-f-]{36}"), sub);
        given().auth()
                .oauth2(alice)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("subject", equalTo(sub))
                .body("roles", contains("hospital"))
                .body("organisation", equalTo("hospital-a"))
                .body(
                        "abeAttributes",
                        containsInAnyOrder("org:hospital-a", "role:physician", "dept:cardiology@2026Q4"));
        given().auth()
                .oauth2(KeycloakTokens.user("bob"))
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("organisation", equalTo("hospital-b"))
                .body("abeAttributes", hasItem("org:hospital-b"));
    }

    @Test
    void hospitalSystemServiceAccountIsAHospitalOfItsOrganisation() {
        given().auth()
                .oauth2(KeycloakTokens.serviceAccount("hospital-a-system", "hospital-a-system-secret"))
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("roles", contains("hospital"))
                .body("organisation", equalTo("hospital-a"))
                .body("abeAttributes", containsInAnyOrder("org:hospital-a", "role:system"));
    }

    @Test
    void insurerSeesItsIdentityButMayNotListParties() {
        String token = KeycloakTokens.user("irene");
        given().auth()
                .oauth2(token)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("roles", contains("insurer"))
                .body("organisation", equalTo("insurer-x"))
                .body("abeAttributes", containsInAnyOrder("org:insurer-x", "purpose:insurance-stats@2026Q4"));
        given().auth()
                .oauth2(token)
                .get("/api/v1/parties")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403));
    }

    @Test
    void regulatorSeesItsIdentityAndTheParties() {
        String token = KeycloakTokens.user("rita");
        given().auth()
                .oauth2(token)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("roles", contains("regulator"))
                .body("organisation", equalTo("regulator-nhc"));
        given().auth()
                .oauth2(token)
                .get("/api/v1/parties")
                .then()
                .statusCode(200)
                .body("subject", hasItem(org.hamcrest.Matchers.notNullValue()));
    }

    @Test
    void hospitalMayNotListParties() {
        given().auth()
                .oauth2(KeycloakTokens.user("alice"))
                .get("/api/v1/parties")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void missingTokenIsUnauthorized() {
        given().get("/api/v1/me").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void tamperedTokenIsUnauthorized() {
        String token = KeycloakTokens.user("irene");
        String[] parts = token.split("\\.");
        // claim to be a regulator: the payload no longer matches the signature
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"insurer\"", "\"regulator\"");
        String forged = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        given().auth()
                .oauth2(forged)
                .get("/api/v1/parties")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().auth()
                .oauth2("not-a-jwt")
                .get("/api/v1/me")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }
}
