package org.medshare.service.testing;

import static io.restassured.RestAssured.given;

/** Real access tokens from the sample realm (password grant of the medshare-cli client). */
public final class KeycloakTokens {

    private KeycloakTokens() {}

    /** An access token of a sample-realm user (password {@code <name>-password}). */
    public static String user(String name) {
        return given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "password")
                .formParam("client_id", "medshare-cli")
                .formParam("username", name)
                .formParam("password", name + "-password")
                .post(RealKeycloakProfile.REALM_URL + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    /** An access token of a service-account client (client credentials grant). */
    public static String serviceAccount(String clientId, String secret) {
        return given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .post(RealKeycloakProfile.REALM_URL + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }
}
