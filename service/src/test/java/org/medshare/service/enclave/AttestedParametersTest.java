package org.medshare.service.enclave;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.security.SignatureException;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.medshare.abe.PublicParameters;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.host.AuthorityTrust;

/**
 * The attested public parameters: what the service relays verifies against the trust file the gateway
 * writes, for the client's own nonce only, and altered parameters or a replayed answer do not.
 */
@QuarkusTest
class AttestedParametersTest {

    @Inject
    EnclaveGateway gateway;

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void parametersVerifyAgainstTheTrustFileForTheClientsNonceOnly() throws Exception {
        byte[] plain = given().get("/api/v1/authority/parameters")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        AuthorityTrust trust = AuthorityTrust.parse(Files.readAllBytes(gateway.trustFile()));
        QuoteVerifier verifier = trust.verifier(Clock.systemUTC());
        byte[] nonce = verifier.newNonce();
        JsonPath answer = given().queryParam(
                        "nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce))
                .get("/api/v1/authority/parameters/attested")
                .then()
                .statusCode(200)
                .body("mode", equalTo("SIMULATED"))
                .extract()
                .jsonPath();
        byte[] evidence = Base64.getDecoder().decode(answer.getString("evidence"));
        byte[] params = Base64.getDecoder().decode(answer.getString("parameters"));
        byte[] signature = Base64.getDecoder().decode(answer.getString("signature"));

        byte[] tampered = params.clone();
        tampered[tampered.length / 2] ^= 1;
        byte[] fresh = verifier.newNonce();
        assertThrows(
                AttestationException.class,
                () -> AuthorityTrust.verifyParameters(verifier, fresh, evidence, params, signature),
                "a quote for another nonce is refused");
        assertThrows(
                SignatureException.class,
                () -> AuthorityTrust.verifyParameters(verifier, nonce, evidence, tampered, signature),
                "altered parameters are refused");
        QuoteVerifier again = trust.verifier(Clock.systemUTC());
        byte[] nonce2 = again.newNonce();
        JsonPath second = given().queryParam(
                        "nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce2))
                .get("/api/v1/authority/parameters/attested")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        PublicParameters verified = AuthorityTrust.verifyParameters(
                again,
                nonce2,
                Base64.getDecoder().decode(second.getString("evidence")),
                Base64.getDecoder().decode(second.getString("parameters")),
                Base64.getDecoder().decode(second.getString("signature")));
        assertArrayEquals(plain, verified.toBytes(), "the attested parameters are the ones hospitals encrypt under");
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void aMalformedNonceIsAProblem() {
        for (String bad : new String[] {"", "abc", "not base64 !", "A".repeat(200)}) {
            given().queryParam("nonce", bad)
                    .get("/api/v1/authority/parameters/attested")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://medshare.example/problems/invalid-nonce"));
        }
        given().get("/api/v1/authority/parameters/attested")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }
}
