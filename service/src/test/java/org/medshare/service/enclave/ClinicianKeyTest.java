package org.medshare.service.enclave;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.Envelope;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.keyrelease.KeyReleaseException;
import org.medshare.enclave.keyrelease.UserKeyIssue;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.testing.AuthorityKeys;
import org.medshare.service.testing.AuthorityKeys.Issued;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.KeycloakTokens;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * Clinician keys with real Keycloak tokens: alice (hospital-a, cardiology) and arthur (hospital-a, oncology) get
 * keys for exactly their token's attributes, wrapped to their own X25519 keys and vouched for by the attested
 * authority; each opens the hospital-a record whose policy names their department and is refused the other.
 * Attributes not held, purpose attributes and another hospital's records are refused; every issue is a
 * KEY_ISSUED event that carries no attribute in the clear.
 */
@QuarkusTest
@Tag("keycloak")
@TestProfile(RealKeycloakProfile.class)
class ClinicianKeyTest {

    static final String CARDIOLOGY = "org:hospital-a@2026Q4 AND dept:cardiology@2026Q4";
    static final String ONCOLOGY = "org:hospital-a@2026Q4 AND dept:oncology@2026Q4";

    @Inject
    EnclaveGateway gateway;

    @Inject
    LedgerService ledger;

    @Test
    void cliniciansOpenExactlyTheRecordsTheirTokensAttributesSatisfy() throws Exception {
        String alice = KeycloakTokens.user("alice");
        String arthur = KeycloakTokens.user("arthur");
        String bob = KeycloakTokens.user("bob");
        String irene = KeycloakTokens.user("irene");
        String run = UUID.randomUUID().toString().substring(0, 8);
        HospitalClient a = HospitalClient.registered("hospital-a", alice);
        String heart = "{\"resourceType\":\"Bundle\",\"id\":\"heart-" + run + "\"}";
        String tumour = "{\"resourceType\":\"Bundle\",\"id\":\"tumour-" + run + "\"}";
        String cardiologyRecord = a.upload(run + "-cardio", CARDIOLOGY, heart)
                .post()
                .then()
                .statusCode(201)
                .extract()
                .path("record.recordId");
        String oncologyRecord = a.upload(run + "-onco", ONCOLOGY, tumour)
                .post()
                .then()
                .statusCode(201)
                .extract()
                .path("record.recordId");

        long before = ledger.size();
        Issued aliceKey = requestKey(alice, List.of());
        assertEquals(
                Set.of("org:hospital-a@2026Q4", "role:physician", "dept:cardiology@2026Q4"),
                aliceKey.key().attributes());
        Event issued = ledger.entries(aliceKey.ledgerIndex(), 1).get(0).event();
        assertEquals(EventType.KEY_ISSUED, issued.type());
        assertEquals(aliceKey.keyId(), issued.id(Field.KEY_ID));
        assertTrue(issued.id(Field.RECIPIENT).startsWith("hospital-a:"));
        assertFalse(issued.toString().contains("cardiology"), "attributes only as a salted hash: " + issued);
        assertTrue(ledger.size() > before);

        byte[] heartCiphertext = given().auth()
                .oauth2(alice)
                .get("/api/v1/records/" + cardiologyRecord + "/ciphertext")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        byte[] tumourCiphertext = given().auth()
                .oauth2(alice)
                .get("/api/v1/records/" + oncologyRecord + "/ciphertext")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        assertArrayEquals(heart.getBytes(StandardCharsets.UTF_8), Envelope.decrypt(aliceKey.key(), heartCiphertext));
        assertThrows(
                DecryptionFailedException.class,
                () -> Envelope.decrypt(aliceKey.key(), tumourCiphertext),
                "alice (cardiology) does not satisfy the oncology policy");

        Issued arthurKey = requestKey(arthur, List.of());
        assertEquals(
                Set.of("org:hospital-a@2026Q4", "role:physician", "dept:oncology@2026Q4"),
                arthurKey.key().attributes());
        assertArrayEquals(tumour.getBytes(StandardCharsets.UTF_8), Envelope.decrypt(arthurKey.key(), tumourCiphertext));
        assertThrows(DecryptionFailedException.class, () -> Envelope.decrypt(arthurKey.key(), heartCiphertext));

        Issued narrowed = requestKey(alice, List.of("org:hospital-a@2026Q4"));
        assertEquals(Set.of("org:hospital-a@2026Q4"), narrowed.key().attributes());
        assertThrows(DecryptionFailedException.class, () -> Envelope.decrypt(narrowed.key(), heartCiphertext));

        long size = ledger.size();
        for (String notHeld : List.of(
                "dept:oncology@2026Q4",
                "purpose:insurance-stats@2026Q4",
                "org:hospital-b@2026Q4",
                "dept:cardiology@2025Q1",
                "role:auditor")) {
            keyRequest(alice, List.of(notHeld))
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://medshare.example/problems/attribute-not-held"));
        }
        assertEquals(size, ledger.size(), "a refused request issues nothing and logs nothing");
        given().auth()
                .oauth2(irene)
                .contentType("application/json")
                .body(Map.of())
                .post("/api/v1/authority/keys")
                .then()
                .statusCode(403);

        given().auth()
                .oauth2(bob)
                .get("/api/v1/records/" + cardiologyRecord + "/ciphertext")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/purpose-required"));
        assertEquals(size, ledger.size(), "no ACCESS event for a refused download");
    }

    @Test
    void malformedKeyRequestsAreProblems() throws Exception {
        String alice = KeycloakTokens.user("alice");
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        long size = ledger.size();
        for (Object body : List.of(
                Map.of(),
                Map.of("nonce", nonce),
                Map.of("recipientKey", "not base64!", "nonce", nonce),
                Map.of("recipientKey", Base64.getEncoder().encodeToString(new byte[44]), "nonce", nonce),
                Map.of(
                        "recipientKey",
                        Base64.getEncoder()
                                .encodeToString(KeyPairGenerator.getInstance("Ed25519")
                                        .generateKeyPair()
                                        .getPublic()
                                        .getEncoded()),
                        "nonce",
                        nonce),
                Map.of(
                        "recipientKey",
                        Base64.getEncoder()
                                .encodeToString(KeyPairGenerator.getInstance("X25519")
                                        .generateKeyPair()
                                        .getPublic()
                                        .getEncoded()),
                        "nonce",
                        "short"))) {
            given().auth()
                    .oauth2(alice)
                    .contentType("application/json")
                    .body(body)
                    .post("/api/v1/authority/keys")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        given().auth()
                .oauth2(alice)
                .contentType("application/json")
                .body("{\"recipientKey\":")
                .post("/api/v1/authority/keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        assertEquals(size, ledger.size());
    }

    @Test
    void aKeyWrappedForSomeoneElseDoesNotOpen() throws Exception {
        String alice = KeycloakTokens.user("alice");
        AuthorityTrust trust = AuthorityTrust.parse(Files.readAllBytes(gateway.trustFile()));
        QuoteVerifier verifier = trust.verifier(Clock.systemUTC());
        byte[] nonce = verifier.newNonce();
        KeyPair mine = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        JsonPath answer = keyRequest(alice, mine, nonce, List.of())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        UserKeyIssue issue = UserKeyIssue.parse(Base64.getDecoder().decode(answer.getString("issue")));
        AuthorityTrust.verifySigner(verifier, nonce, Base64.getDecoder().decode(answer.getString("evidence")))
                .requireSignature(UserKeyIssue.signingInput(issue.statement()), issue.signature(), "unsigned");
        assertThrows(
                KeyReleaseException.class,
                () -> issue.unwrap(other.getPrivate(), other.getPublic().getEncoded()));
        assertThrows(
                KeyReleaseException.class,
                () -> issue.unwrap(other.getPrivate(), mine.getPublic().getEncoded()));
        byte[] tamperedWrap = issue.wrappedKey().clone();
        tamperedWrap[0] ^= 1;
        assertThrows(
                KeyReleaseException.class,
                () -> new UserKeyIssue(
                                issue.statement(), issue.ephemeralSpki(), issue.iv(), tamperedWrap, issue.signature())
                        .unwrap(mine.getPrivate(), mine.getPublic().getEncoded()));
        assertEquals(
                3,
                issue.unwrap(mine.getPrivate(), mine.getPublic().getEncoded())
                        .attributes()
                        .size());
    }

    /** What {@code medshare authority key} does: fresh X25519 key and nonce, verify quote and signature, unwrap. */
    Issued requestKey(String token, List<String> attributes) throws Exception {
        return AuthorityKeys.request(token, gateway.trustFile(), attributes);
    }

    static Response keyRequest(String token, List<String> attributes) throws Exception {
        return keyRequest(token, KeyPairGenerator.getInstance("X25519").generateKeyPair(), new byte[32], attributes);
    }

    static Response keyRequest(String token, KeyPair recipient, byte[] nonce, List<String> attributes) {
        return AuthorityKeys.keyRequest(token, recipient, nonce, attributes);
    }
}
