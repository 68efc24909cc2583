package org.medshare.service.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import org.junit.jupiter.api.Test;

/** Authorisation and identity claims on /api/v1/me and /api/v1/parties, with test identities. */
@QuarkusTest
class MeResourceTest {

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(
            claims = {
                @Claim(key = "org_id", value = "hospital-a"),
                @Claim(
                        key = "abe_attrs",
                        value = "[\"role:physician\",\"org:hospital-a\"]",
                        type = io.quarkus.test.security.oidc.ClaimType.JSON_ARRAY)
            })
    void hospitalSeesItsRoleOrganisationAndAttributes() {
        given().when()
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("subject", equalTo("alice"))
                .body("roles", contains("hospital"))
                .body("organisation", equalTo("hospital-a"))
                .body("abeAttributes", contains("org:hospital-a", "role:physician"))
                .body("firstSeen", notNullValue());
    }

    @Test
    @TestSecurity(
            user = "irene",
            roles = {"insurer", "offline_access"})
    @OidcSecurity(claims = @Claim(key = "org_id", value = "insurer-x"))
    void unknownRolesAreNotReported() {
        given().when()
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("roles", contains("insurer"))
                .body("organisation", equalTo("insurer-x"));
    }

    @Test
    void noTokenIsUnauthorizedProblem() {
        given().when()
                .get("/api/v1/me")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401))
                .body("title", equalTo("Authentication required"))
                .body("type", containsString("/problems/unauthenticated"));
    }

    @Test
    void tokenThatCannotBeVerifiedWhileTheIdentityProviderIsDownIsServiceUnavailable() {
        given().auth()
                .oauth2("not-a-jwt")
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "30")
                .body("status", equalTo(503));
    }

    @Test
    @TestSecurity(user = "mallory", roles = "nurse")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void roleUnknownToMedShareIsForbiddenProblem() {
        given().when()
                .get("/api/v1/me")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403))
                .body("detail", equalTo("Your role does not allow this operation."))
                .body("instance", equalTo("/api/v1/me"));
    }

    @Test
    @TestSecurity(user = "orphan", roles = "insurer")
    void callerWithoutOrganisationIsForbidden() {
        given().when().get("/api/v1/me").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    @TestSecurity(user = "irene", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "insurer-x"))
    void insurerMayNotListParties() {
        given().when().get("/api/v1/parties").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorSeesRegisteredParties() {
        given().when().get("/api/v1/me").then().statusCode(200);
        given().when()
                .get("/api/v1/parties")
                .then()
                .statusCode(200)
                .body("subject", hasItem("rita"))
                .body("find { it.subject == 'rita' }.organisation", equalTo("regulator-nhc"))
                .body("find { it.subject == 'rita' }.roles", equalTo("regulator"));
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void unknownPathIsNotFoundProblemWithoutInternals() {
        given().when()
                .get("/api/v1/no-such-thing")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body(not(containsString("Exception")));
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void wrongMethodIsProblem() {
        given().when().delete("/api/v1/me").then().statusCode(405).contentType("application/problem+json");
    }
}
