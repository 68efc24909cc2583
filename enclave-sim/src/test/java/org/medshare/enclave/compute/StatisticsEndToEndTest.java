package org.medshare.enclave.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.enclave.CodeSet;
import org.medshare.enclave.EnclaveConfig;
import org.medshare.enclave.Hex;
import org.medshare.enclave.SigStruct;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.TestEnclaves;
import org.medshare.enclave.TestLedger;
import org.medshare.enclave.attest.EnclaveConstraint;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.SimRootCa;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.host.EnclaveHost;
import org.medshare.enclave.host.KeyAuthorityClient;
import org.medshare.enclave.keyrelease.KeyAuthority;
import org.medshare.enclave.keyrelease.KeyRelease;
import org.medshare.enclave.keyrelease.QueryApproval;

/**
 * The whole path across processes: a key-authority enclave and a worker enclave, each in its own
 * JVM; the authority releases the query's key to the attested worker; the host runs the query
 * through {@link StatisticsClient} and checks the result against the worker's verified quote.
 */
class StatisticsEndToEndTest {
    @Test
    void authorityReleasesToTheWorkerWhichComputesASignedResult(@TempDir Path tmp) throws Exception {
        KeyPair vendor = TestEnclaves.newVendorKey();
        KeyPair approver = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        SimRootCa root = SimRootCa.create(Clock.systemUTC());
        CodeSet code = CodeSet.ofRunningEnclave();
        String approverId = QueryApproval.keyIdOf(approver.getPublic());
        EnclaveConfig workerConfig =
                EnclaveConfig.release(Map.of("role", "statistics", StatisticsService.APPROVERS, approverId));
        SigStruct workerSig = SigStruct.sign(code, workerConfig, TestEnclaves.PRODUCT_ID, 1, vendor);
        String workerConstraint =
                "C:" + Hex.of(workerSig.mrenclave()) + " S:" + Hex.of(SigStruct.mrsignerOf(vendor.getPublic()))
                        + " PROD:" + TestEnclaves.PRODUCT_ID + " MINSVN:1 EXPIRE:PT1M SIMULATED:ALLOW";
        TestLedger ledger = new TestLedger(1);
        Map<String, String> authoritySettings = new HashMap<>(ledger.authoritySettings(1));
        authoritySettings.putAll(Map.of(
                KeyAuthority.ROOT, Hex.of(root.certificate().getEncoded()),
                KeyAuthority.CONSTRAINT, workerConstraint,
                KeyAuthority.APPROVERS, approverId));
        EnclaveConfig authorityConfig = EnclaveConfig.release(authoritySettings);
        SigStruct authoritySig = SigStruct.sign(code, authorityConfig, TestEnclaves.PRODUCT_ID, 1, vendor);
        Path secret = tmp.resolve("platform.secret");

        try (EnclaveHost authority = EnclaveHost.start(new EnclaveHost.LaunchSpec(
                        authoritySig, authorityConfig, root, "p1", secret, TcbLevel.UP_TO_DATE));
                EnclaveHost worker = EnclaveHost.start(
                        new EnclaveHost.LaunchSpec(workerSig, workerConfig, root, "p1", secret, TcbLevel.UP_TO_DATE))) {
            assertTrue(worker.isSeparateProcess());
            KeyAuthorityClient keys = new KeyAuthorityClient(authority);
            PublicParameters pp = keys.setup(Suite.NIST).publicParameters();
            ComputeFixtures data = new ComputeFixtures();
            List<InputRecord> records = data.seal(pp);

            ApprovedQuery query = data.approvedQuery(null, 0);
            QueryApproval approval = ComputeFixtures.approve("q-e2e", query, approver);
            StatisticsClient stats = new StatisticsClient(worker);
            EnclaveCallException noKey =
                    assertThrows(EnclaveCallException.class, () -> stats.run(query, approval, records, Set.of()));
            assertEquals("NO_KEY", noKey.code());

            KeyRelease release = keys.releaseTo(worker, approval, ledger.logApproval(approval));
            assertEquals("q-e2e", release.record().queryId());
            ComputeResult result = stats.run(query, approval, records, Set.of("rec-b"));

            QueryVerifierHolder v = new QueryVerifierHolder(root, workerConstraint);
            VerifiedEnclave attested = stats.attest(v.verifier);
            StatisticsClient.verify(result, attested);
            assertArrayEquals(workerSig.mrenclave(), result.measurement());
            assertArrayEquals(query.queryHash(), result.queryHash());
            assertArrayEquals(release.record().approvalHash(), result.approvalHash());

            JsonNode json = new ObjectMapper().readTree(result.resultJson());
            assertEquals(
                    1,
                    json.get("inputRecords").asInt(),
                    "rec-b revoked late by the host, rec-c and rec-d by the approval");
            Map<String, Long> counts = new TreeMap<>();
            json.get("groups")
                    .forEach(g -> counts.put(
                            g.get("key").get("sex").asText(),
                            g.get("values").get("count").asLong()));
            assertEquals(
                    Map.of("female", 60L, "male", 15L),
                    counts,
                    "rec-a alone: 30 women x 2 rows, 15 men; 4 'other' suppressed");
            assertEquals(1, json.get("suppressedGroups").asInt());

            byte[] changed = result.resultJson();
            changed[changed.length - 2] ^= 1;
            ComputeResult forged = new ComputeResult(
                    result.queryId(),
                    result.approvalHash(),
                    result.queryHash(),
                    result.measurement(),
                    result.mrsigner(),
                    result.productId(),
                    result.svn(),
                    changed,
                    result.resultSignature(),
                    result.statementSignature());
            assertThrows(SignatureException.class, () -> StatisticsClient.verify(forged, attested));
            assertNotEquals(0, worker.pid());
        }
    }

    /** A development verifier for the worker's constraint (SIMULATED opt-in, as in the tests' authority). */
    private static final class QueryVerifierHolder {
        final QuoteVerifier verifier;

        QueryVerifierHolder(SimRootCa root, String constraint) {
            this.verifier = QuoteVerifier.development(
                    root.certificate(),
                    EnclaveConstraint.parse(constraint),
                    new NonceRegistry(Clock.systemUTC(), Duration.ofMinutes(1), 10),
                    Clock.systemUTC());
        }
    }
}
