package org.medshare.client.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.enclave.compute.ApprovedQuery;
import org.medshare.enclave.keyrelease.QueryApproval;

/** The regulator's side of an approval: what it signs, and the service's terms it refuses to sign. */
class ApprovalTermsTest {
    static final String TEMPLATE = "{\"id\":\"count-by-sex\",\"version\":1,\"purpose\":\"insurance-stats\"}";
    static final String REQUEST = "{\"templateId\":\"count-by-sex\",\"templateVersion\":1}";

    static ObjectNode terms() {
        ObjectNode t = Json.object()
                .put("queryId", "q-1")
                .put("template", TEMPLATE)
                .put("request", REQUEST)
                .put("contentHash", HexFormat.of().formatHex(ApprovedQuery.contentHash(TEMPLATE, REQUEST)));
        t.putArray("purposeAttributes").add("purpose:insurance-stats@2026Q4").add("purpose:insurance-stats@2026Q3");
        return t;
    }

    @Test
    void signsTheContentHashOfTheTextsItReadAndThePurposeAttributes() throws Exception {
        KeyPair regulator = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        QueryApproval approval =
                ApprovalTerms.sign("q-1", terms(), Instant.now().plusSeconds(60), regulator);
        assertEquals("q-1", approval.queryId());
        assertArrayEquals(ApprovedQuery.contentHash(TEMPLATE, REQUEST), approval.contentHash());
        assertEquals(
                Set.of("purpose:insurance-stats@2026Q4", "purpose:insurance-stats@2026Q3"),
                approval.purposeAttributes());
        approval.verify(Set.of(QueryApproval.keyIdOf(regulator.getPublic())), Instant.now());
    }

    @Test
    void refusesTermsThatAreNotWhatTheyClaim() throws Exception {
        KeyPair regulator = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Instant later = Instant.now().plusSeconds(60);

        ObjectNode otherQuery = terms().put("queryId", "q-2");
        ObjectNode swappedRequest = terms().put("request", REQUEST.replace("count-by-sex", "count-by-age"));
        ObjectNode widerKey = terms();
        widerKey.withArray("purposeAttributes").add("org:hospital-a");
        ObjectNode otherPurpose = terms();
        otherPurpose.putArray("purposeAttributes").add("purpose:research@2026Q4");
        ObjectNode noAttributes = terms();
        noAttributes.putArray("purposeAttributes");
        for (ObjectNode bad : new ObjectNode[] {otherQuery, swappedRequest, widerKey, otherPurpose, noAttributes}) {
            CliFailure refused = assertThrows(CliFailure.class, () -> ApprovalTerms.sign("q-1", bad, later, regulator));
            assertEquals(1, refused.exitCode(), bad.toString());
        }
    }
}
