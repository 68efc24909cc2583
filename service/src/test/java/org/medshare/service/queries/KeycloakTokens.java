package org.medshare.service.queries;

import static io.restassured.RestAssured.given;

import org.medshare.service.testing.RealKeycloakProfile;

/** Real access tokens from the sample realm (password grant of the medshare-cli client). */
final class KeycloakTokens {

    private KeycloakTokens() {
    }

    static String user(String name) {
        return given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "password").formParam("client_id", "medshare-cli")
                .formParam("username", name).formParam("password", name + "-password")
                .post(RealKeycloakProfile.REALM_URL + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }
}
