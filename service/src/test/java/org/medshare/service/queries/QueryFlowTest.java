package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.abe.PublicParameters;
import org.medshare.enclave.compute.ResultVerifier;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.merkle.TreeHasher;
import org.medshare.ledger.verify.ProofVerifier;
import org.medshare.ledger.verify.TrustedKeys;
import org.medshare.service.enclave.EnclaveGateway;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.KeycloakTokens;
import org.medshare.service.testing.PartySigners;
import org.medshare.service.testing.PlaintextSearch;
import org.medshare.service.testing.QuerySteps;
import org.medshare.service.testing.QuerySteps.Party;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * The three flows with real tokens: hospitals upload under the key authority's parameters, an insurer
 * proposes a template and a query, the regulator approves both, the enclave computes over the records the
 * hospitals' rules admit, and the contract pays the hospital whose records were used. Then the plaintext
 * canary check (the service never sees plaintext): no canary from a record and no token appears in the database, the shard
 * directories, the ledger files, the enclave state or the logs.
 */
@QuarkusTest
@Tag("keycloak")
@TestProfile(RealKeycloakProfile.class)
class QueryFlowTest {

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "medshare.data-dir")
    String dataDir;

    static final String POLICY_A = "org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final String POLICY_B = "org:hospital-b@2026Q4 OR purpose:insurance-stats@2026Q4";

    @Test
    void uploadSubmitApproveComputeAndPay() throws Exception {
        String alice = KeycloakTokens.user("alice");
        String bob = KeycloakTokens.user("bob");
        String irene = KeycloakTokens.user("irene");
        String rita = KeycloakTokens.user("rita");
        String run = UUID.randomUUID().toString().substring(0, 8);

        PublicParameters params = PublicParameters.parse(given().auth()
                .oauth2(alice)
                .get("/api/v1/authority/parameters")
                .then()
                .statusCode(200)
                .contentType("application/octet-stream")
                .extract()
                .asByteArray());
        HospitalClient a = new HospitalClient("hospital-a").withToken(alice).withParameters(params);
        a.registerKey();
        HospitalClient b = new HospitalClient("hospital-b").withToken(bob).withParameters(params);
        b.registerKey();
        List<String> canaries = new ArrayList<>();
        List<String> recordsA = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            String canary = "CANARY-" + UUID.randomUUID();
            canaries.add(canary);
            recordsA.add(a.upload(run + "-a" + r, POLICY_A, bundle(canary), 1_000_000L * (r + 1), a.hospitalNumber())
                    .post()
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("record.recordId"));
        }
        given().auth()
                .oauth2(alice)
                .post("/api/v1/records/" + recordsA.get(3) + "/consent/revoke")
                .then()
                .statusCode(200)
                .body("changed", equalTo(true));
        given().auth()
                .oauth2(bob)
                .post("/api/v1/records/" + recordsA.get(2) + "/consent/revoke")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        String canaryB = "CANARY-" + UUID.randomUUID();
        canaries.add(canaryB);
        b.upload(run + "-b0", POLICY_B, bundle(canaryB), 9_000_000L, b.hospitalNumber())
                .post()
                .then()
                .statusCode(201);
        QuerySteps.allow(Party.withToken(alice), "insurance-stats/*");

        String templateId = "flow-count-" + run;
        Party insurer = Party.withToken(irene);
        Party regulator = Party.withToken(rita);
        QuerySteps.proposeTemplate(insurer, templateId);
        QuerySteps.submit(insurer, templateId, "insurer-x")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/template-not-approved"));
        given().auth()
                .oauth2(irene)
                .post("/api/v1/templates/" + templateId + "/1/approve")
                .then()
                .statusCode(403);
        QuerySteps.approveTemplate(regulator, templateId);

        String queryId = QuerySteps.submitted(insurer, templateId, "insurer-x", null);
        QuerySteps.approve(regulator, queryId)
                .then()
                .statusCode(409)
                .body("type", equalTo("https://medshare.example/problems/insufficient-escrow"));
        given().auth()
                .oauth2(irene)
                .get("/api/v1/queries/" + queryId)
                .then()
                .statusCode(200)
                .body("status", equalTo("SUBMITTED"));

        QuerySteps.deposit(insurer, 1_000_000);
        QuerySteps.approve(insurer, queryId).then().statusCode(403);
        // hospital-b's record is excluded by its (absent) data-use rules, the revoked record by its consent
        QuerySteps.approvedAndPaid(regulator, queryId, 3, "hospital-a");
        assertResultVerifiesWithoutTheService(irene, queryId);

        QuerySteps.approve(regulator, queryId).then().statusCode(409);
        given().auth().oauth2(bob).get("/api/v1/queries/" + queryId).then().statusCode(403);
        given().auth()
                .oauth2(irene)
                .get("/api/v1/queries/" + queryId)
                .then()
                .statusCode(200)
                .body("payouts.organisation", equalTo(List.of("hospital-a")))
                .body("payouts.amount", equalTo(List.of(7)));
        given().auth()
                .oauth2(irene)
                .get("/api/v1/queries")
                .then()
                .statusCode(200)
                .body("find { it.queryId == '" + queryId + "' }.payouts.recordCount", equalTo(List.of(3)));
        given().auth()
                .oauth2(alice)
                .get("/api/v1/payments/balances/me")
                .then()
                .statusCode(200)
                .body("organisation", equalTo("hospital-a"))
                .body("earned", equalTo(7));
        List<String> types = given().auth()
                .oauth2(rita)
                .get("/api/v1/audit/events?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .path("type");
        assertTrue(
                types.containsAll(List.of(
                        "UPLOAD",
                        "CONSENT_REVOKED",
                        "QUERY_SUBMITTED",
                        "QUERY_APPROVED",
                        "KEY_ISSUED",
                        "COMPUTE",
                        "PAYMENT")),
                types.toString());

        List<String> secrets = new ArrayList<>(canaries);
        secrets.addAll(List.of(alice, bob, irene, rita));
        PlaintextSearch.assertAbsent(secrets, dataSource, Path.of(dataDir), Path.of("target/test-logs"));
    }

    /**
     * The completed query carries the worker's quote, nonce, signing key, signed result and COMPUTE event with its
     * receipt; with only the worker trust file and the ledger member key (both public, from the data directory) the
     * result checks out: quote of the pinned measurement, enclave signature, result hash, the logged COMPUTE event
     * under a signed checkpoint.
     */
    private void assertResultVerifiesWithoutTheService(String token, String queryId) throws Exception {
        JsonPath view = given().auth()
                .oauth2(token)
                .get("/api/v1/queries/" + queryId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Base64.Decoder b64 = Base64.getDecoder();
        AuthorityTrust trust =
                AuthorityTrust.parse(Files.readAllBytes(Path.of(dataDir, "enclave", EnclaveGateway.WORKER_TRUST_FILE)));
        ResultVerifier.Verified ok = ResultVerifier.verify(
                trust.verifier(Clock.systemUTC()),
                queryId,
                b64.decode(view.getString("verification.evidence")),
                b64.decode(view.getString("verification.nonce")),
                b64.decode(view.getString("verification.signingKey")),
                b64.decode(view.getString("verification.computeResult")),
                view.getString("signedResult").getBytes(StandardCharsets.UTF_8),
                view.getString("resultHash"));
        assertEquals(
                view.getString("measurement"),
                HexFormat.of().formatHex(ok.enclave().identity().mrenclave()));
        QueryApproval approval = QueryApproval.parse(b64.decode(view.getString("verification.approval")));
        assertArrayEquals(ok.result().approvalHash(), approval.hash(), "the signed result names this approval");
        approval.verify(Set.of(QueryApproval.keyIdOf(PartySigners.regulator().getPublic())), approval.notAfter());
        Event compute = EventCodec.decode(b64.decode(view.getString("verification.computeEvent.encoded")));
        assertEquals(EventType.COMPUTE, compute.type());
        assertEquals(queryId, compute.id(Field.QUERY_ID));
        assertArrayEquals(ok.result().resultHash(), compute.hash(Field.RESULT_HASH));
        long index = view.getLong("verification.computeEvent.index");
        assertEquals(index, view.getLong("verification.computeReceipt.index"));
        SignedCheckpoint checkpoint =
                SignedCheckpoint.parse(view.getString("verification.computeReceipt.checkpoint"), 32);
        InclusionProof proof = new InclusionProof(
                index,
                view.getLong("verification.computeReceipt.treeSize"),
                b64.decode(view.getString("verification.computeReceipt.leafHash")),
                view.getList("verification.computeReceipt.inclusionProof", String.class).stream()
                        .map(b64::decode)
                        .toList());
        List<NoteVerifier> members = TrustedKeys.read(Path.of(dataDir, "ledger-keys", "member.vkey"));
        ProofVerifier.verifyEventInclusion(TreeHasher.sha256(), members, 1, checkpoint, compute, proof);
        assertNull(
                given().auth()
                        .oauth2(token)
                        .get("/api/v1/queries")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("find { it.queryId == '" + queryId + "' }.verification"),
                "lists leave the verification out");
    }

    /** A FHIR bundle whose patient name is a canary that must never appear outside the hospital and enclave. */
    static String bundle(String canary) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + canary + "\"}]}}]}";
    }
}
