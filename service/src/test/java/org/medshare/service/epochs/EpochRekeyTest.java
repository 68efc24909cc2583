package org.medshare.service.epochs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.Envelope;
import org.medshare.ledger.event.AttributeEpoch;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.badinput.CorpusState;
import org.medshare.service.badinput.StateSnapshot;
import org.medshare.service.consent.service.ConsentIds;
import org.medshare.service.enclave.EnclaveGateway;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.testing.AuthorityKeys;
import org.medshare.service.testing.AuthorityKeys.Issued;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.service.testing.KeycloakTokens;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * Revocation that reaches old records, with real Keycloak tokens: the regulator raises the attribute epoch from
 * 2026Q4 to 2027Q1; hospital-a re-encrypts a cardiology record shared with hospital-b under the new epoch and uploads
 * it as the version that replaces the old one; bob (hospital-b, cardiology) cannot open it with the key he held
 * before the raise, is refused a key for the retired epoch (organisation or department), and opens it with a renewed
 * key. The organisation attribute alone revokes too: a record shared with {@code org:hospital-b@2027Q1} does not open
 * with bob's earlier {@code org:hospital-b@2026Q4} key. A record stored before organisation attributes carried epochs
 * (bare {@code org:hospital-b}) stays its owner's, is released to no other organisation, and moves to the current
 * epoch by the same re-encryption. Every refusal answers problem+json and changes no table, file or ledger entry. Its
 * own profile: raising the epoch is not undone.
 */
@QuarkusTest
@Tag("keycloak")
@TestProfile(EpochRekeyTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EpochRekeyTest {

    /** A service of its own, so that the raise does not reach other tests. */
    public static class Profile extends RealKeycloakProfile {}

    static final String OLD = "org:hospital-b@2026Q4 AND dept:cardiology@2026Q4";
    static final String NEXT = "org:hospital-b@2027Q1 AND dept:cardiology@2027Q1";
    static final String LEGACY = "org:hospital-b AND role:physician";
    static final String PROBLEMS = "https://medshare.example/problems/";

    @Inject
    LedgerService ledger;

    @Inject
    CorpusState state;

    @Inject
    EnclaveGateway gateway;

    @Inject
    AgroalDataSource db;

    @Test
    @Order(1)
    void aRaisedEpochRetiresOldKeysFromRekeyedRecords() throws Exception {
        String alice = KeycloakTokens.user("alice");
        String bob = KeycloakTokens.user("bob");
        String irene = KeycloakTokens.user("irene");
        String rita = KeycloakTokens.user("rita");
        HospitalClient a = HospitalClient.registered("hospital-a", alice);
        HospitalClient b = HospitalClient.registered("hospital-b", bob);
        state.snapshot();

        String patient = UUID.randomUUID().toString().replace("-", "");
        String bundle = "{\"resourceType\":\"Bundle\",\"id\":\"heart-" + patient + "\"}";
        Upload first = a.upload("heart-" + patient, OLD, bundle);
        first.tags.put("patient", patient);
        String oldId = first.post().then().statusCode(201).extract().path("record.recordId");
        given().auth()
                .oauth2(alice)
                .contentType("application/json")
                .body("{\"provisions\":[{\"type\":\"permit\",\"purposes\":[\"TREAT\"],"
                        + "\"organisations\":[\"hospital-b\"]}]}")
                .put("/api/v1/consents/" + ConsentIds.of("hospital-a", patient) + "/provisions")
                .then()
                .statusCode(200);
        String otherOrganisations = b.upload("b-" + patient, "org:hospital-b@2026Q4 AND role:physician", bundle)
                .post()
                .then()
                .statusCode(201)
                .extract()
                .path("record.recordId");

        given().auth()
                .oauth2(bob)
                .get("/api/v1/authority/epochs")
                .then()
                .statusCode(200)
                .body("current", equalTo("2026Q4"))
                .body("retired", equalTo(List.of()))
                .body("ledgerIndex", nullValue());
        Upload legacyUpload = a.upload("legacy-" + patient, "org:hospital-b@2026Q4 AND role:physician", bundle);
        legacyUpload.tags.put("patient", patient);
        String legacyId = legacyUpload.post().then().statusCode(201).extract().path("record.recordId");
        storedPolicy(legacyId, LEGACY);
        Upload ownUpload = a.upload("own-legacy-" + patient, "org:hospital-a@2026Q4 AND role:physician", bundle);
        ownUpload.tags.put("patient", patient);
        String ownLegacyId = ownUpload.post().then().statusCode(201).extract().path("record.recordId");
        storedPolicy(ownLegacyId, "org:hospital-a AND role:physician");
        Issued bobsOldKey = AuthorityKeys.request(bob, gateway.trustFile(), List.of());
        assertEquals(
                Set.of("org:hospital-b@2026Q4", "role:physician", "dept:cardiology@2026Q4"),
                bobsOldKey.key().attributes(),
                "before the raise the token's 2027Q1 attribute is not a key's");
        assertArrayEquals(
                bundle.getBytes(StandardCharsets.UTF_8),
                Envelope.decrypt(
                        bobsOldKey.key(),
                        ciphertext(bob, oldId).then().statusCode(200).extract().asByteArray()));

        unchanged("a hospital raises", () -> raise(alice, "{\"epoch\":\"2027Q1\"}"), 403, null);
        unchanged("an insurer raises", () -> raise(irene, "{\"epoch\":\"2027Q1\"}"), 403, null);
        for (String bad : List.of(
                "{}",
                "{\"epoch\":null}",
                "{\"epoch\":\"2027q1\"}",
                "{\"epoch\":\"2027Q5\"}",
                "{\"epoch\":\"27Q1\"}",
                "{\"epoch\":\" 2027Q1\"}",
                "{\"epoch\":\"2027Q1; drop table attribute_epoch\"}")) {
            unchanged(bad, () -> raise(rita, bad), 400, "invalid-epoch");
        }
        for (String bad : List.of("{\"epoch\":2027}", "{\"epoch\":\"2027Q1\",\"epoch\":\"2028Q1\"}", "[", "null")) {
            unchanged(bad, () -> raise(rita, bad), 400, null);
        }
        for (String same : List.of("2026Q4", "2026Q1", "2025Q4")) {
            unchanged(same, () -> raise(rita, "{\"epoch\":\"" + same + "\"}"), 409, "epoch-not-later");
        }

        long index = raise(rita, "{\"epoch\":\"2027Q1\"}")
                .then()
                .statusCode(200)
                .body("current", equalTo("2027Q1"))
                .body("retired", equalTo(List.of("2026Q4")))
                .extract()
                .jsonPath()
                .getLong("ledgerIndex");
        Event raised = ledger.entries(index, 1).get(0).event();
        assertEquals(EventType.EPOCH_RAISED, raised.type());
        assertEquals("2026Q4", raised.id(Field.PREVIOUS_EPOCH));
        assertEquals("2027Q1", raised.id(Field.EPOCH));
        assertTrue(raised.id(Field.ACTOR).startsWith("regulator-nhc:"), raised.id(Field.ACTOR));
        given().auth()
                .oauth2(irene)
                .get("/api/v1/authority/epochs")
                .then()
                .statusCode(200)
                .body("current", equalTo("2027Q1"))
                .body("ledgerIndex", equalTo((int) index));
        unchanged("the same raise again", () -> raise(rita, "{\"epoch\":\"2027Q1\"}"), 409, "epoch-not-later");

        unchanged("an old-epoch record", () -> ciphertext(bob, oldId), 403, "epoch-retired");
        unchanged("a record naming org: without an epoch", () -> ciphertext(bob, legacyId), 403, "epoch-retired");
        ciphertext(alice, legacyId).then().statusCode(200);
        ciphertext(alice, ownLegacyId).then().statusCode(200);
        given().auth()
                .oauth2(alice)
                .queryParam("patient", patient)
                .get("/api/v1/records/search")
                .then()
                .statusCode(200)
                .body("recordId", hasItem(ownLegacyId));
        KeyPair recipient = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        for (String retired : List.of("dept:cardiology@2026Q4", "org:hospital-b@2026Q4", "org:hospital-b")) {
            unchanged(
                    "a retired key: " + retired,
                    () -> AuthorityKeys.keyRequest(bob, recipient, new byte[32], List.of(retired)),
                    403,
                    "epoch-retired");
        }
        unchanged(
                "an old-epoch upload",
                () -> {
                    Upload u = a.upload("old-epoch-" + patient, OLD, bundle);
                    return u.post();
                },
                400,
                "invalid-policy");
        unchanged(
                "an upload naming org: without an epoch",
                () -> a.upload("bare-org-" + patient, "org:hospital-b AND role:physician", bundle)
                        .post()
                        .then()
                        .body("detail", containsString("org:hospital-b@2027Q1"))
                        .extract()
                        .response(),
                400,
                "invalid-policy");

        unchanged(
                "replaces unknown",
                () -> rekey(a, bundle, patient, UUID.randomUUID().toString()),
                404,
                null);
        unchanged("replaces another organisation's", () -> rekey(a, bundle, patient, otherOrganisations), 404, null);
        unchanged("replaces malformed", () -> rekey(a, bundle, patient, "not-a-record"), 400, "invalid-replaces");
        String newId = rekey(a, bundle, patient, oldId)
                .then()
                .statusCode(201)
                .body("record.previousVersion", equalTo(oldId))
                .body("record.version", equalTo(2))
                .extract()
                .path("record.recordId");
        unchanged("replaces a superseded version", () -> rekey(a, bundle, patient, oldId), 409, "not-current-version");
        given().auth()
                .oauth2(alice)
                .get("/api/v1/records/" + oldId)
                .then()
                .statusCode(200)
                .body("supersededBy", equalTo(newId));
        given().auth()
                .oauth2(bob)
                .queryParam("patient", patient)
                .get("/api/v1/records/search")
                .then()
                .statusCode(200)
                .body("recordId", equalTo(List.of(newId)));
        unchanged("a superseded version", () -> ciphertext(bob, oldId), 403, "record-superseded");

        byte[] rekeyed = ciphertext(bob, newId).then().statusCode(200).extract().asByteArray();
        assertThrows(
                DecryptionFailedException.class,
                () -> Envelope.decrypt(bobsOldKey.key(), rekeyed),
                "the key of the retired epoch does not open the re-encrypted record");
        Issued renewed = AuthorityKeys.request(bob, gateway.trustFile(), List.of());
        assertEquals(
                Set.of("org:hospital-b@2027Q1", "role:physician", "dept:cardiology@2027Q1"),
                renewed.key().attributes());
        assertArrayEquals(bundle.getBytes(StandardCharsets.UTF_8), Envelope.decrypt(renewed.key(), rekeyed));

        Upload sinceRaise = a.upload("org-only-" + patient, "org:hospital-b@2027Q1 AND role:physician", bundle);
        sinceRaise.tags.put("patient", patient);
        String orgOnly = sinceRaise.post().then().statusCode(201).extract().path("record.recordId");
        byte[] orgOnlyCiphertext =
                ciphertext(bob, orgOnly).then().statusCode(200).extract().asByteArray();
        assertThrows(
                DecryptionFailedException.class,
                () -> Envelope.decrypt(bobsOldKey.key(), orgOnlyCiphertext),
                "org:hospital-b@2026Q4 does not open a record naming org:hospital-b@2027Q1");
        assertArrayEquals(bundle.getBytes(StandardCharsets.UTF_8), Envelope.decrypt(renewed.key(), orgOnlyCiphertext));

        Upload migrated = a.upload("legacy-next-" + patient, "org:hospital-b@2027Q1 AND role:physician", bundle);
        migrated.tags.put("patient", patient);
        migrated.tags.put("replaces", legacyId);
        String migratedId = migrated.post()
                .then()
                .statusCode(201)
                .body("record.previousVersion", equalTo(legacyId))
                .extract()
                .path("record.recordId");
        assertArrayEquals(
                bundle.getBytes(StandardCharsets.UTF_8),
                Envelope.decrypt(
                        renewed.key(),
                        ciphertext(bob, migratedId)
                                .then()
                                .statusCode(200)
                                .extract()
                                .asByteArray()));
    }

    /** A raise whose EPOCH_RAISED was never appended (the service stopped in between) gets it before the next raise. */
    @Test
    @Order(2)
    void aRaiseLeftWithoutItsEventIsLoggedBeforeTheNext() throws Exception {
        String rita = KeycloakTokens.user("rita");
        String current = given().auth()
                .oauth2(rita)
                .get("/api/v1/authority/epochs")
                .then()
                .statusCode(200)
                .extract()
                .path("current");
        AttributeEpoch from = AttributeEpoch.parse(current);
        AttributeEpoch lost = new AttributeEpoch(from.year() + 1, 1);
        AttributeEpoch next = new AttributeEpoch(from.year() + 1, 2);
        try (Connection c = db.getConnection();
                PreparedStatement insert = c.prepareStatement("insert into attribute_epoch (epoch, previous_epoch, "
                        + "raised_by, raised_at) values (?, ?, 'regulator-nhc:rita', current_timestamp)")) {
            insert.setString(1, lost.toString());
            insert.setString(2, from.toString());
            insert.executeUpdate();
        }
        long before = ledger.size();
        long index = raise(rita, "{\"epoch\":\"" + next + "\"}")
                .then()
                .statusCode(200)
                .body("current", equalTo(next.toString()))
                .extract()
                .jsonPath()
                .getLong("ledgerIndex");
        List<Event> raises = ledger.entries(before, (int) (index - before + 1)).stream()
                .map(e -> e.event())
                .filter(e -> e.type() == EventType.EPOCH_RAISED)
                .toList();
        assertEquals(2, raises.size(), raises.toString());
        assertEquals(
                List.of(from.toString(), lost.toString()),
                List.of(raises.get(0).id(Field.PREVIOUS_EPOCH), raises.get(0).id(Field.EPOCH)));
        assertEquals(
                List.of(lost.toString(), next.toString()),
                List.of(raises.get(1).id(Field.PREVIOUS_EPOCH), raises.get(1).id(Field.EPOCH)));
        given().auth()
                .oauth2(rita)
                .get("/api/v1/authority/epochs")
                .then()
                .statusCode(200)
                .body("retired[-1]", equalTo(lost.toString()));
    }

    /** Sets the policy a record is stored under, as a service before organisation epochs stored it. */
    private void storedPolicy(String recordId, String policy) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement update = c.prepareStatement("update record set policy = ? where id = ?")) {
            update.setString(1, policy);
            update.setString(2, recordId);
            assertEquals(1, update.executeUpdate());
        }
    }

    private Response rekey(HospitalClient a, String bundle, String patient, String replaces) {
        Upload u = a.upload("heart-" + patient + "-" + UUID.randomUUID(), NEXT, bundle);
        u.tags.put("patient", patient);
        u.tags.put("replaces", replaces);
        return u.post();
    }

    private static Response raise(String token, String body) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(body)
                .post("/api/v1/authority/epochs");
    }

    private static Response ciphertext(String token, String record) {
        return given().auth()
                .oauth2(token)
                .queryParam("purpose", "TREAT")
                .get("/api/v1/records/" + record + "/ciphertext");
    }

    /** The request is refused with {@code status} (and problem type {@code kind} when given) and changes nothing. */
    private void unchanged(String what, Supplier<Response> request, int status, String kind) {
        StateSnapshot before = state.snapshot();
        var answer = request.get().then().statusCode(status).contentType("application/problem+json");
        if (kind != null) {
            answer.body("type", equalTo(PROBLEMS + kind));
        }
        assertEquals(List.of(), before.differences(state.snapshot()), what + ": a refusal changes nothing");
    }
}
