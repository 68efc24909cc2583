package org.medshare.service.records;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.store.ShardStore;

/** Upload, idempotency, refusals (each changing nothing), visibility and the ciphertext download. */
@QuarkusTest
class RecordUploadTest {

    static final String POLICY = "(org:hospital-a@2026Q4 AND role:physician) OR purpose:insurance-stats@2026Q4";
    static final HospitalClient HOSPITAL_A = new HospitalClient("hospital-a");

    @Inject
    LedgerService ledger;

    @Inject
    ShardStore store;

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void uploadAnswersWithAReceiptThatVerifiesAgainstTheSignedCheckpoint() throws Exception {
        HOSPITAL_A.registerKey();
        Upload upload = HOSPITAL_A.upload("receipt-1", POLICY, "{\"resourceType\":\"Bundle\"}");
        Response response = upload.post();
        response.then()
                .statusCode(201)
                .body("replayed", equalTo(false))
                .body("record.organisation", equalTo("hospital-a"))
                .body("record.envelopeCid", startsWith("bafkrei"))
                .body("record.tags.year", equalTo("2025"));
        long index = ((Number) response.path("receipt.index")).longValue();
        String leaf = response.path("receipt.leafHash");
        List<String> proof = response.path("receipt.inclusionProof");
        SignedCheckpoint checkpoint = SignedCheckpoint.parse(response.path("receipt.checkpoint"), 32);
        long treeSize = checkpoint.checkpoint().size();
        assertEquals(treeSize, ((Number) response.path("receipt.treeSize")).longValue());
        new InclusionProof(
                        index,
                        treeSize,
                        Base64.getDecoder().decode(leaf),
                        proof.stream().map(Base64.getDecoder()::decode).toList())
                .verify(LedgerSuite.NIST.treeHasher(), checkpoint.checkpoint().rootHash());
        assertEquals(EventType.UPLOAD, ledger.entries(index, 1).get(0).event().type());
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void retryWithTheSameIdempotencyKeyNeverDuplicates() {
        HOSPITAL_A.registerKey();
        Upload upload = HOSPITAL_A.upload("retry-1", POLICY, "same bytes");
        String first = upload.post().then().statusCode(201).extract().path("record.recordId");
        long ledgerSize = ledger.size();
        int storedRecords = store.records().size();
        upload.post().then().statusCode(200).body("replayed", equalTo(true)).body("record.recordId", equalTo(first));
        assertEquals(ledgerSize, ledger.size(), "no second UPLOAD event");
        assertEquals(storedRecords, store.records().size(), "no second copy in the store");

        Upload different = HOSPITAL_A.upload("retry-1", POLICY, "other bytes");
        different
                .post()
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/idempotency-conflict"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void everyRefusalIsAProblemAndChangesNothing() {
        HOSPITAL_A.registerKey();
        refused(
                "bad-signature",
                400,
                u -> u.signatureOverride = Base64.getEncoder().encodeToString(new byte[64]));
        refused("bad-signature", 400, u -> u.signatureOverride = "***not base64***");
        refused("bad-signature", 400, u -> u.signedOrganisation = "hospital-b");
        refused("bad-signature", 400, u -> {
            String signature = u.signature();
            u.envelope[u.envelope.length - 1] ^= 1;
            u.signatureOverride = signature;
        });
        refused("malformed-envelope", 400, u -> u.envelope[0] ^= 1);
        refused("malformed-envelope", 400, u -> u.envelope[4] = 99);
        refused("malformed-rows", 400, u -> u.rows = new byte[] {1, 2, 3});
        refused("malformed-rows", 400, u -> u.rows = java.util.Arrays.copyOf(u.rows, u.rows.length - 1));
        refused("rows-record-mismatch", 400, u -> u.rows = HOSPITAL_A.rows("another-record", u.policy, 100, 1));
        refused("malformed-envelope", 400, u -> u.envelope = new byte[0]);
        refused("policy-mismatch", 400, u -> u.policy = "org:hospital-a@2026Q4");
        refused("invalid-policy", 400, u -> u.policy = "org:hospital-a@2026Q4 AND (role:physician");
        refused("invalid-policy", 400, u -> u.policy = "org:hospital-a@2026Q4 OR purpose:insurance-stats@2025Q1");
        refused("invalid-policy", 400, u -> u.policy = "org:hospital-a@2026Q4 OR dept:cardiology");
        refused("invalid-policy", 400, u -> u.policy = "org:hospital-a OR purpose:insurance-stats@2026Q4");
        refused("invalid-policy", 400, u -> u.policy = "org:hospital-a@2026Q4 OR patient:123");
        refused(
                "invalid-metadata",
                400,
                u -> u.metadataOverride =
                        u.metadata().replace("{\"idempotencyKey\"", "{\"extra\":1,\"idempotencyKey\""));
        refused("invalid-metadata", 400, u -> u.metadataOverride = "{\"policy\":\"org:hospital-a@2026Q4\"}");
        refused("invalid-metadata", 400, u -> {
            u.signatureOverride = "AAAA";
            u.idempotencyKey = "has spaces";
        });
        refused("malformed-json", 400, u -> u.metadataOverride = "{\"idempotencyKey\":");
        refused("missing-part", 400, u -> u.metadataOverride = " ");
        refused(
                "unknown-signing-key",
                400,
                u -> u.metadataOverride =
                        u.metadata().replaceAll("\"signingKeyId\":\"[0-9a-f]+\"", "\"signingKeyId\":\"0000\""));
    }

    private void refused(String kind, int status, Consumer<Upload> mutation) {
        Upload upload = HOSPITAL_A.upload("refusal-" + kind, RecordUploadTest.POLICY, "refused content");
        mutation.accept(upload);
        long ledgerSize = ledger.size();
        int storedRecords = store.records().size();
        int visible =
                given().get("/api/v1/records").then().statusCode(200).extract().path("size()");
        upload.post()
                .then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/" + kind))
                .body("status", equalTo(status));
        assertEquals(ledgerSize, ledger.size(), kind + ": ledger unchanged");
        assertEquals(storedRecords, store.records().size(), kind + ": store unchanged");
        assertEquals(
                visible,
                (int) given().get("/api/v1/records").then().extract().path("size()"),
                kind + ": records unchanged");
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void ciphertextDownloadIsTheEnvelopeAndIsLoggedAsAccess() {
        HOSPITAL_A.registerKey();
        Upload upload = HOSPITAL_A.upload("download-1", POLICY, "download me");
        String id = upload.post().then().statusCode(201).extract().path("record.recordId");
        long before = ledger.size();
        byte[] bytes = given().get("/api/v1/records/" + id + "/ciphertext")
                .then()
                .statusCode(200)
                .contentType("application/octet-stream")
                .extract()
                .asByteArray();
        assertArrayEquals(upload.envelope, bytes);
        assertEquals(before + 1, ledger.size());
        var access = ledger.entries(before, 1).get(0).event();
        assertEquals(EventType.ACCESS, access.type());
        assertEquals(id, access.id(Field.RECORD_ID));
        given().get("/api/v1/records/" + id).then().statusCode(200).body("recordId", equalTo(id));
        given().get("/api/v1/records/no-such-record/ciphertext")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        assertEquals(before + 1, ledger.size(), "no ACCESS event for a record that does not exist");
    }

    @Test
    @TestSecurity(user = "bob", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-b"))
    void anotherHospitalSeesNoneOfTheRecordsInItsList() {
        List<String> orgs =
                given().get("/api/v1/records").then().statusCode(200).extract().path("organisation");
        assertTrue(orgs.stream().allMatch("hospital-b"::equals), "only hospital-b's own records");
    }

    @Test
    @TestSecurity(user = "irene", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "insurer-x"))
    void insurerMayNeitherUploadNorList() {
        given().multiPart("metadata", "{}")
                .post("/api/v1/records")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().get("/api/v1/records").then().statusCode(403);
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorSeesTheTrailButNoRecords() {
        given().get("/api/v1/records").then().statusCode(403);
        given().get("/api/v1/audit/events?type=nonsense")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().get("/api/v1/audit/events").then().statusCode(200);
        given().get("/api/v1/audit/proofs/consistency?from=5&to=1")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }
}
