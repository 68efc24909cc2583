package org.medshare.service.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * The service trusts the {@code org_id} and {@code abe_attrs} claims, so in the sample realm only administrators may
 * set them: a user who can manage its own account (Keycloak's account API, as the account console uses it) changes
 * its name but not its organisation or attributes. Runs against the real Keycloak with a temporary user and a
 * temporary client, both removed afterwards.
 */
@Tag("keycloak")
class RealmAttributesTest {
    static final String BASE = RealKeycloakProfile.REALM_URL.replaceFirst("/realms/medshare$", "");
    static final String ADMIN = BASE + "/admin/realms/medshare";

    final String name = "probe-" + UUID.randomUUID().toString().substring(0, 8);
    String admin;
    String userId;
    String clientId;

    @BeforeEach
    void createUserWithAccountAccess() {
        admin = given().contentType(ContentType.URLENC)
                .formParams(Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        "admin-cli",
                        "username",
                        System.getenv().getOrDefault("KC_BOOTSTRAP_ADMIN_USERNAME", "admin"),
                        "password",
                        System.getenv().getOrDefault("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin")))
                .post(BASE + "/realms/master/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "username",
                        name,
                        "enabled",
                        true,
                        "email",
                        name + "@hospital-a.example",
                        "emailVerified",
                        true,
                        "firstName",
                        "Probe",
                        "lastName",
                        "User",
                        "attributes",
                        Map.of("org_id", List.of("hospital-a"), "abe_attrs", List.of("org:hospital-a")),
                        "credentials",
                        List.of(Map.of("type", "password", "value", name + "-pw", "temporary", false))))
                .post(ADMIN + "/users")
                .then()
                .statusCode(201);
        userId = given().auth()
                .oauth2(admin)
                .queryParam("username", name)
                .queryParam("exact", true)
                .get(ADMIN + "/users")
                .then()
                .statusCode(200)
                .extract()
                .path("[0].id");
        String account = given().auth()
                .oauth2(admin)
                .queryParam("clientId", "account")
                .get(ADMIN + "/clients")
                .then()
                .extract()
                .path("[0].id");
        List<Map<String, Object>> accountRoles = given().auth()
                .oauth2(admin)
                .get(ADMIN + "/clients/" + account + "/roles")
                .then()
                .statusCode(200)
                .extract()
                .path("findAll { it.name == 'manage-account' || it.name == 'view-profile' }");
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(accountRoles)
                .post(ADMIN + "/users/" + userId + "/role-mappings/clients/" + account)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "clientId", name,
                        "publicClient", true,
                        "directAccessGrantsEnabled", true,
                        "standardFlowEnabled", false,
                        "fullScopeAllowed", true))
                .post(ADMIN + "/clients")
                .then()
                .statusCode(201);
        clientId = given().auth()
                .oauth2(admin)
                .queryParam("clientId", name)
                .get(ADMIN + "/clients")
                .then()
                .extract()
                .path("[0].id");
    }

    @AfterEach
    void remove() {
        if (clientId != null) {
            given().auth().oauth2(admin).delete(ADMIN + "/clients/" + clientId);
        }
        if (userId != null) {
            given().auth().oauth2(admin).delete(ADMIN + "/users/" + userId);
        }
    }

    @Test
    void aUserChangesItsNameButNotItsOrganisationOrAttributes() {
        String token = given().contentType(ContentType.URLENC)
                .formParams(
                        Map.of("grant_type", "password", "client_id", name, "username", name, "password", name + "-pw"))
                .post(RealKeycloakProfile.REALM_URL + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        updateOwnAccount(token, Map.of()).then().statusCode(204);
        updateOwnAccount(
                token,
                Map.of(
                        "org_id", List.of("regulator-nhc"),
                        "abe_attrs", List.of("org:hospital-b", "role:physician", "purpose:insurance-stats")));

        Map<String, Object> user = given().auth()
                .oauth2(admin)
                .get(ADMIN + "/users/" + userId)
                .then()
                .statusCode(200)
                .extract()
                .path("$");
        assertEquals("Renamed", user.get("firstName"), "the user's own account access works");
        @SuppressWarnings("unchecked")
        Map<String, List<String>> attributes = (Map<String, List<String>>) user.get("attributes");
        assertEquals(List.of("hospital-a"), attributes.get("org_id"));
        assertEquals(List.of("org:hospital-a"), attributes.get("abe_attrs"));
    }

    /** The user renames itself to "Renamed User" through the account API, also sending {@code attributes}. */
    private Response updateOwnAccount(String token, Map<String, List<String>> attributes) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "username",
                        name,
                        "email",
                        name + "@hospital-a.example",
                        "firstName",
                        "Renamed",
                        "lastName",
                        "User",
                        "attributes",
                        attributes))
                .post(RealKeycloakProfile.REALM_URL + "/account/");
    }
}
