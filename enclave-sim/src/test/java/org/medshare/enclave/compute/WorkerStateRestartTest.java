package org.medshare.enclave.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.Suite;
import org.medshare.enclave.TestLedger;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.TrustedParties;

/**
 * The worker's differencing memory survives a restart of the embedded deployment: the worker seals it for the host
 * after a result and reads it back at start. A differencing pair split across a restart is caught; without the
 * sealed state (the behaviour before) the second query of the pair is released; a state file the worker cannot open
 * is set aside and the worker starts afresh.
 */
class WorkerStateRestartTest {
    @TempDir
    Path dir;

    @Test
    void aRestartDoesNotResetTheDifferencingGuard() throws Exception {
        KeyPair approver = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path platform = dir.resolve("platform");
        ComputeFixtures data = new ComputeFixtures();
        List<InputRecord> records;
        try (EmbeddedEnclaves first = start(platform, approver)) {
            records = data.seal(first.publicParameters());
            JsonNode all = run(first, approver, data, "q-1", records, Set.of());
            assertEquals(2, all.get("groups").size(), "women and men of rec-a and rec-b");
            first.saveWorkerState();
        }
        Path state = platform.resolve(EmbeddedEnclaves.WORKER_STATE);
        assertTrue(Files.size(state) > 0);
        byte[] sealed = Files.readAllBytes(state);

        try (EmbeddedEnclaves restarted = start(platform, approver)) {
            JsonNode withoutB = run(restarted, approver, data, "q-2", records, Set.of("rec-b"));
            assertEquals(
                    "female",
                    withoutB.get("groups").get(0).get("key").get("sex").asText(),
                    "the women's rows differ in 12 patients (8 only in rec-b, 4 with a row there): >= k");
            assertEquals(1, withoutB.get("groups").size(), "the 6 men only in rec-b would be isolated");
            assertEquals(1, withoutB.get("suppressedBy").get("differencing").asInt());
        }

        Files.delete(state);
        try (EmbeddedEnclaves fresh = start(platform, approver)) {
            JsonNode withoutB = run(fresh, approver, data, "q-3", records, Set.of("rec-b"));
            assertEquals(2, withoutB.get("groups").size(), "a worker without its memory releases the pair");
        }

        byte[] bent = sealed.clone();
        bent[bent.length - 1] ^= 1;
        Files.write(state, bent);
        try (EmbeddedEnclaves afresh = start(platform, approver)) {
            assertFalse(Files.exists(state), "an unreadable state is set aside");
            assertTrue(Files.exists(platform.resolve(EmbeddedEnclaves.WORKER_STATE + ".unreadable")));
            JsonNode all = run(afresh, approver, data, "q-4", records, Set.of());
            assertEquals(2, all.get("groups").size());
        }
    }

    private static final TestLedger LEDGER = new TestLedger(1);

    private static EmbeddedEnclaves start(Path platform, KeyPair approver) throws Exception {
        return EmbeddedEnclaves.start(
                platform, new TrustedParties(List.of(approver.getPublic()), Map.of()), LEDGER.trust(1), 1, Suite.NIST);
    }

    private static JsonNode run(
            EmbeddedEnclaves enclaves,
            KeyPair approver,
            ComputeFixtures data,
            String queryId,
            List<InputRecord> records,
            Set<String> lateRevocations)
            throws Exception {
        ApprovedQuery query = data.approvedQuery(null, 0);
        QueryApproval approval = ComputeFixtures.approve(queryId, query, approver);
        enclaves.keyAuthority().releaseTo(enclaves.worker(), approval, LEDGER.logApproval(approval));
        ComputeResult result = new StatisticsClient(enclaves.worker()).run(query, approval, records, lateRevocations);
        return new ObjectMapper().readTree(result.resultJson());
    }
}
