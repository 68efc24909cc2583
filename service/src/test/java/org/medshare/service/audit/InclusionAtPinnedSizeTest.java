package org.medshare.service.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.merkle.InvalidProofException;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.TreeHasher;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;

/**
 * {@code GET /api/v1/audit/proofs/inclusion?index=&size=}: a regulator proves an entry against the checkpoint it
 * pinned, even after the log has grown; sizes the ledger signed no checkpoint at are refused.
 */
@QuarkusTest
@TestSecurity(user = "rita", roles = "regulator")
@OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
class InclusionAtPinnedSizeTest {

    @Inject
    LedgerService ledger;

    @Test
    void anEntryIsProvedAgainstAnEarlierCheckpointOfTheGivenSize() throws Exception {
        LedgerReceipt first = ledger.append(upload());
        SignedCheckpoint pinned = SignedCheckpoint.parse(first.checkpoint(), 32);
        long pinnedSize = pinned.checkpoint().size();
        for (int i = 0; i < 3; i++) {
            ledger.append(upload());
        }

        JsonPath answer = given().get("/api/v1/audit/proofs/inclusion?index=" + first.index() + "&size=" + pinnedSize)
                .then()
                .statusCode(200)
                .body("treeSize", equalTo((int) pinnedSize))
                .extract()
                .jsonPath();
        assertEquals(
                pinned.checkpoint(),
                SignedCheckpoint.parse(answer.getString("checkpoint"), 32).checkpoint());
        List<byte[]> proof = answer.getList("inclusionProof", String.class).stream()
                .map(Base64.getDecoder()::decode)
                .toList();
        byte[] leaf = Base64.getDecoder().decode(answer.getString("leafHash"));
        TreeHasher sha256 = TreeHasher.sha256();
        MerkleProofs.verifyInclusion(
                sha256,
                first.index(),
                pinnedSize,
                leaf,
                proof,
                pinned.checkpoint().rootHash());
        long latest = ledger.latestCheckpoint().checkpoint().size();
        assertThrows(
                InvalidProofException.class,
                () -> MerkleProofs.verifyInclusion(
                        sha256,
                        first.index(),
                        latest,
                        leaf,
                        proof,
                        ledger.latestCheckpoint().checkpoint().rootHash()),
                "the proof is for the pinned size, not the latest");
    }

    @Test
    void sizesWithoutACheckpointAndIndicesOutsideTheTreeAreRefused() {
        ledger.append(upload());
        LedgerReceipt receipt = ledger.append(upload());
        given().get("/api/v1/audit/proofs/inclusion?index=0&size=" + (ledger.size() + 5))
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/audit/proofs/inclusion?index=" + receipt.index() + "&size=" + receipt.index())
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/invalid-range"));
        given().get("/api/v1/audit/proofs/inclusion?index=0&size=0").then().statusCode(400);
        given().get("/api/v1/audit/proofs/inclusion?index=0&size=")
                .then()
                .statusCode(400)
                .body("type", equalTo("https://medshare.example/problems/invalid-parameter"));
    }

    private static Event upload() {
        return Event.upload(1_000L, "hospital-a", UUID.randomUUID().toString(), new byte[32], new byte[32]);
    }
}
