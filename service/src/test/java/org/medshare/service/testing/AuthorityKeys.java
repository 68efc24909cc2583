package org.medshare.service.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.medshare.abe.UserKey;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.keyrelease.UserKeyIssue;

/** What {@code medshare authority key} does, for tests: ask the key authority for a user key and check the answer. */
public final class AuthorityKeys {

    /** An issued key, its id and the ledger index of its KEY_ISSUED event. */
    public record Issued(String keyId, UserKey key, long ledgerIndex) {}

    private AuthorityKeys() {}

    /**
     * A user key for {@code attributes} (empty: all the token entitles to): a fresh X25519 key and nonce, the
     * authority's quote and signature checked against {@code trustFile}, the key unwrapped. Fails the test unless
     * the authority answers 200 with a key bound to that X25519 key.
     */
    public static Issued request(String token, Path trustFile, List<String> attributes) throws Exception {
        QuoteVerifier verifier =
                AuthorityTrust.parse(Files.readAllBytes(trustFile)).verifier(Clock.systemUTC());
        byte[] nonce = verifier.newNonce();
        KeyPair recipient = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        JsonPath answer = keyRequest(token, recipient, nonce, attributes)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        UserKeyIssue issue = UserKeyIssue.parse(Base64.getDecoder().decode(answer.getString("issue")));
        AuthorityTrust.verifySigner(verifier, nonce, Base64.getDecoder().decode(answer.getString("evidence")))
                .requireSignature(
                        UserKeyIssue.signingInput(issue.statement()), issue.signature(), "not the authority's");
        assertEquals(answer.getString("keyId"), issue.statement().keyId());
        assertEquals(
                HexFormat.of().formatHex(issue.statement().recipientSha256()),
                HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(recipient.getPublic().getEncoded())));
        UserKey key = issue.unwrap(recipient.getPrivate(), recipient.getPublic().getEncoded());
        return new Issued(answer.getString("keyId"), key, answer.getLong("receipt.index"));
    }

    /**
     * The raw {@code POST /api/v1/authority/keys} for {@code attributes} (empty: the caller's whole entitlement),
     * wrapped to {@code recipient}, on a grant signed with the grant key of the caller's organisation.
     */
    public static Response keyRequest(String token, KeyPair recipient, byte[] nonce, List<String> attributes) {
        String organisation = given().auth()
                .oauth2(token)
                .get("/api/v1/authority/keys/entitlement")
                .then()
                .statusCode(200)
                .extract()
                .path("organisation");
        String grant = PartySigners.grant(
                QuerySteps.Party.withToken(token),
                recipient.getPublic().getEncoded(),
                attributes,
                PartySigners.grantKey(organisation));
        return keyRequest(token, recipient, nonce, grant);
    }

    /**
     * The body of a {@code POST /api/v1/authority/keys} for the test identity ({@code @TestSecurity}) of {@code
     * organisation}: its whole entitlement, wrapped to a fresh X25519 key, on a grant signed with the organisation's
     * grant key.
     */
    public static Map<String, String> testIdentityKeyRequest(String organisation) throws GeneralSecurityException {
        byte[] recipient = KeyPairGenerator.getInstance("X25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        return Map.of(
                "recipientKey",
                Base64.getEncoder().encodeToString(recipient),
                "nonce",
                Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]),
                "grant",
                PartySigners.grant(
                        QuerySteps.Party.testIdentity(), recipient, List.of(), PartySigners.grantKey(organisation)));
    }

    /** The raw {@code POST /api/v1/authority/keys} with {@code grant} (base64), wrapped to {@code recipient}. */
    public static Response keyRequest(String token, KeyPair recipient, byte[] nonce, String grant) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of(
                        "recipientKey",
                        Base64.getEncoder().encodeToString(recipient.getPublic().getEncoded()),
                        "nonce",
                        Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
                        "grant",
                        grant))
                .post("/api/v1/authority/keys");
    }
}
