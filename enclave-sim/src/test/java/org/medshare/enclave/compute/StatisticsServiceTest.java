package org.medshare.enclave.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.enclave.CodeSet;
import org.medshare.enclave.EnclaveConfig;
import org.medshare.enclave.EnclaveRuntime;
import org.medshare.enclave.EnclaveServiceException;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.MutableClock;
import org.medshare.enclave.SigStruct;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.TestEnclaves;
import org.medshare.enclave.TestLedger;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.EnclaveConstraint;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.QuotingEnclave;
import org.medshare.enclave.attest.SimPlatform;
import org.medshare.enclave.attest.SimRootCa;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.keyrelease.KeyAuthority;
import org.medshare.enclave.keyrelease.KeyAuthorityService;
import org.medshare.enclave.keyrelease.KeyRelease;
import org.medshare.enclave.keyrelease.KeyReleaseRequest;
import org.medshare.enclave.keyrelease.KeyRequesterService;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.seal.PlatformSecret;
import org.medshare.enclave.stats.CandidateRecord;
import org.medshare.enclave.stats.DisclosureLimits;
import org.medshare.enclave.stats.HospitalDisclosure;
import org.medshare.enclave.stats.MerkleTree;
import org.medshare.enclave.stats.QueryConsent;

/**
 * The statistics service inside an (in-process) worker enclave: aggregates equal the plaintext
 * oracle with small groups suppressed, the result is signed by the attested key, and every
 * refusal (no key, key for another query or approval, untrusted / expired / mismatched approval,
 * replay, tampered records, over-budget ε) happens with nothing released.
 */
class StatisticsServiceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static KeyPair vendor;
    static KeyPair approver;
    static final TestLedger ledger = new TestLedger(1);
    static SimRootCa root;
    static QuotingEnclave qe;
    static PlatformSecret platformSecret;
    static CodeSet code;
    static EnclaveConfig workerConfig;
    static SigStruct workerSig;
    static EnclaveRuntime authorityEnclave;
    static KeyAuthority authority;
    static ComputeFixtures data;
    static List<InputRecord> records;

    @BeforeAll
    static void setUp() throws Exception {
        vendor = TestEnclaves.newVendorKey();
        approver = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        root = SimRootCa.create(Clock.systemUTC());
        SimPlatform p = SimPlatform.generate("compute-test", TcbLevel.UP_TO_DATE, Clock.systemUTC());
        qe = p.provision(root.certifyPlatform(p.publicKey(), "compute-test"), root.certificate());
        platformSecret = PlatformSecret.generate(new SecureRandom());
        code = CodeSet.ofRunningEnclave();
        workerConfig = EnclaveConfig.release(
                Map.of("role", "statistics", StatisticsService.APPROVERS, QueryApproval.keyIdOf(approver.getPublic())));
        workerSig = SigStruct.sign(code, workerConfig, TestEnclaves.PRODUCT_ID, 1, vendor);
        Map<String, String> authoritySettings = new HashMap<>(ledger.authoritySettings(1));
        authoritySettings.putAll(Map.of(
                KeyAuthority.ROOT,
                Hex.of(root.certificate().getEncoded()),
                KeyAuthority.CONSTRAINT,
                "C:" + Hex.of(workerSig.mrenclave()) + " S:" + Hex.of(SigStruct.mrsignerOf(vendor.getPublic()))
                        + " PROD:" + TestEnclaves.PRODUCT_ID + " MINSVN:1 EXPIRE:PT1M SIMULATED:ALLOW",
                KeyAuthority.APPROVERS,
                QueryApproval.keyIdOf(approver.getPublic())));
        EnclaveConfig authorityConfig = EnclaveConfig.release(authoritySettings);
        authorityEnclave = EnclaveRuntime.launch(
                code,
                authorityConfig,
                SigStruct.sign(code, authorityConfig, TestEnclaves.PRODUCT_ID, 1, vendor),
                qe,
                platformSecret,
                List.of(new KeyAuthorityService(Clock.systemUTC())));
        authority = KeyAuthority.fromConfig(authorityEnclave, Clock.systemUTC());
        PublicParameters pp = authority.setup(Suite.NIST).publicParameters();
        data = new ComputeFixtures();
        records = data.seal(pp);
    }

    static EnclaveRuntime newWorker(Clock serviceClock) throws Exception {
        return EnclaveRuntime.launch(
                code,
                workerConfig,
                workerSig,
                qe,
                platformSecret,
                List.of(new KeyRequesterService(), new StatisticsService(serviceClock)));
    }

    /** The authority releases the approval's key to {@code worker}, which installs it. */
    static void install(EnclaveRuntime worker, QueryApproval approval) throws Exception {
        byte[] nonce = authority.newNonce();
        KeyRelease release = authority.release(
                new KeyReleaseRequest(nonce, worker.attest(nonce), approval, ledger.logApproval(approval)));
        worker.call(
                KeyRequesterService.NAME,
                new WireWriter().bytes(release.toBytes()).toByteArray());
    }

    /** Starts, sends {@code in} in the order the worker admits it, one record per batch, and finishes. */
    static ComputeResult run(EnclaveRuntime worker, ApprovedQuery q, QueryApproval a, List<InputRecord> in)
            throws Exception {
        Map<String, InputRecord> byId = new HashMap<>();
        in.forEach(r -> byId.put(r.recordId(), r));
        for (String id : start(worker, q, a, in)) {
            worker.call(StatisticsService.NAME, new ComputeRequest.Batch(a.hash(), List.of(byId.get(id))).toBytes());
        }
        return ComputeResult.parse(worker.call(StatisticsService.NAME, new ComputeRequest.Finish(a.hash()).toBytes()));
    }

    /** Starts a run over {@code in}; the ids the worker admits, in the order it wants them. */
    static List<String> start(EnclaveRuntime worker, ApprovedQuery q, QueryApproval a, List<InputRecord> in)
            throws Exception {
        List<CandidateRecord> candidates = in.stream()
                .map(r -> new CandidateRecord(r.recordId(), r.hospitalId()))
                .toList();
        WireReader r = new WireReader(
                worker.call(StatisticsService.NAME, new ComputeRequest.Start(q, a, candidates, Set.of()).toBytes()));
        assertEquals(1, r.u8());
        List<String> admitted = new ArrayList<>();
        for (int n = r.i32(); n > 0; n--) {
            admitted.add(r.utf8());
        }
        r.expectEnd();
        return admitted;
    }

    static String refusal(Executable e) {
        return assertThrows(EnclaveServiceException.class, e).code();
    }

    static VerifiedEnclave attested(EnclaveRuntime enclave, byte[] mrenclave) throws Exception {
        QuoteVerifier v = QuoteVerifier.development(
                root.certificate(),
                EnclaveConstraint.parse("C:" + Hex.of(mrenclave) + " SIMULATED:ALLOW"),
                new NonceRegistry(Clock.systemUTC(), Duration.ofMinutes(1), 10),
                Clock.systemUTC());
        byte[] nonce = v.newNonce();
        return enclave.attest(nonce).verify(v, nonce);
    }

    /** Released groups of a result JSON: sex → values. */
    static Map<String, JsonNode> groups(ComputeResult r) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode g : JSON.readTree(r.resultJson()).get("groups")) {
            out.put(g.get("key").get("sex").asText(), g.get("values"));
        }
        return out;
    }

    @Test
    void aggregatesEqualThePlaintextOracleAndSmallGroupsAreSuppressed() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery q = data.approvedQuery(null, 0);
        QueryApproval a = ComputeFixtures.approve("q-agg", q, approver);
        install(worker, a);
        ComputeResult r = run(worker, q, a, records);

        Map<String, long[]> expected = data.expectedCountsAndPatients();
        assertEquals(4, expected.get("other")[1], "the oracle sees the small group");
        Map<String, JsonNode> released = groups(r);
        assertEquals(
                Set.of("female", "male"), released.keySet(), "only groups of >= 10 distinct patients are released");
        for (String sex : released.keySet()) {
            assertTrue(expected.get(sex)[1] >= 10);
            assertEquals(expected.get(sex)[0], released.get(sex).get("count").asLong(), "exact count for " + sex);
        }
        assertEquals(60 + 8 + 4, expected.get("female")[0], "fixture sanity: 30x2 + 8 + 4 overlapping patients");
        JsonNode json = JSON.readTree(r.resultJson());
        assertEquals(1, json.get("suppressedGroups").asInt());
        assertEquals(
                2, json.get("inputRecords").asInt(), "rec-c (hospital not admitted) and rec-d (revoked) are removed");
        assertEquals(
                HexFormat.of().formatHex(MerkleTree.rootOf(List.of("rec-a", "rec-b"))),
                json.get("inputMerkleRoot").asText());
        assertEquals(0, json.get("epsilonSpentMicros").asLong());
        assertEquals(3, json.get("format").asInt());
        assertEquals(1, json.get("consentExcludedRecords").asInt(), "rec-d (revoked) counts; rec-c is not admitted");
        assertEquals(QueryConsent.NONE.digestHex(), json.get("consentDigest").asText());

        assertEquals("q-agg", r.queryId());
        assertArrayEquals(a.hash(), r.approvalHash());
        assertArrayEquals(q.queryHash(), r.queryHash());
        assertArrayEquals(worker.identity().mrenclave(), r.measurement());
        StatisticsClient.verify(r, worker.publicKeys().signingKey());
        StatisticsClient.verify(r, attested(worker, workerSig.mrenclave()));
        String text = r.resultJsonString();
        assertFalse(text.contains(Long.toString(7919L)), "no pseudonym in the output");
    }

    @Test
    void aRunTakesTheAdmittedRecordsInTheOrderTheWorkerAsksForAndNothingElse() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery q = data.approvedQuery(null, 0);
        QueryApproval a = ComputeFixtures.approve("q-stream", q, approver);
        install(worker, a);
        Map<String, InputRecord> byId = new HashMap<>();
        records.forEach(r -> byId.put(r.recordId(), r));
        byte[] finish = new ComputeRequest.Finish(a.hash()).toBytes();
        assertEquals("NO_RUN", refusal(() -> worker.call(StatisticsService.NAME, finish)));

        List<InputRecord> backwards = new ArrayList<>(records);
        Collections.reverse(backwards);
        List<String> admitted = start(worker, q, a, backwards);
        assertEquals(List.of("rec-a", "rec-b"), admitted, "ascending ids; rec-c's hospital and revoked rec-d are out");
        byte[] outOfOrder = new ComputeRequest.Batch(a.hash(), List.of(byId.get("rec-b"))).toBytes();
        assertEquals("QUERY_REFUSED_INPUT_INVALID", refusal(() -> worker.call(StatisticsService.NAME, outOfOrder)));
        assertEquals("NO_RUN", refusal(() -> worker.call(StatisticsService.NAME, finish)), "a refusal ends the run");

        start(worker, q, a, records);
        byte[] notAdmitted = new ComputeRequest.Batch(a.hash(), List.of(byId.get("rec-c"))).toBytes();
        assertEquals("QUERY_REFUSED_INPUT_INVALID", refusal(() -> worker.call(StatisticsService.NAME, notAdmitted)));

        start(worker, q, a, records);
        worker.call(StatisticsService.NAME, new ComputeRequest.Batch(a.hash(), List.of(byId.get("rec-a"))).toBytes());
        assertEquals(
                "QUERY_REFUSED_INPUT_INVALID",
                refusal(() -> worker.call(StatisticsService.NAME, finish)),
                "a run that misses an admitted record releases nothing");

        ComputeResult r = run(worker, q, a, records);
        assertEquals(
                data.expectedCountsAndPatients().get("female")[0],
                groups(r).get("female").get("count").asLong(),
                "the refused runs spent nothing and remembered nothing");
        assertEquals("APPROVAL_REPLAYED", refusal(() -> start(worker, q, a, records)));
    }

    @Test
    void theWorkerDropsConsentDeniedRecordsItselfAndSignsTheDecision() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        byte[] digest = QueryConsent.digestOf(Map.of("consent-b", 3));
        ApprovedQuery q = data.approvedQuery(null, 0, QueryConsent.of(List.of("rec-b"), digest));
        QueryApproval a = ComputeFixtures.approve("q-denied", q, approver);
        install(worker, a);

        ComputeResult r = run(worker, q, a, records);
        JsonNode json = JSON.readTree(r.resultJson());
        assertEquals(1, json.get("inputRecords").asInt(), "the host relayed rec-b; the worker left it out");
        assertEquals(
                HexFormat.of().formatHex(MerkleTree.rootOf(List.of("rec-a"))),
                json.get("inputMerkleRoot").asText());
        assertEquals(2, json.get("consentExcludedRecords").asInt(), "rec-b denied, rec-d revoked");
        assertEquals(HexFormat.of().formatHex(digest), json.get("consentDigest").asText());
        Map<String, JsonNode> released = groups(r);
        assertEquals(60, released.get("female").get("count").asLong(), "rec-a's 30 women, 2 rows each");
        assertEquals(15, released.get("male").get("count").asLong(), "rec-a's 15 men");
        StatisticsClient.verify(r, worker.publicKeys().signingKey());

        byte[] forged = r.resultJsonString()
                .replace("\"consentExcludedRecords\":2", "\"consentExcludedRecords\":0")
                .getBytes(StandardCharsets.UTF_8);
        ComputeResult altered = new ComputeResult(
                r.queryId(),
                r.approvalHash(),
                r.queryHash(),
                r.measurement(),
                r.mrsigner(),
                r.productId(),
                r.svn(),
                forged,
                r.resultSignature(),
                r.statementSignature());
        assertFalse(Arrays.equals(forged, r.resultJson()));
        assertThrows(
                SignatureException.class,
                () -> StatisticsClient.verify(altered, worker.publicKeys().signingKey()),
                "the signature covers the consent fields");
    }

    @Test
    void differentialPrivacySpendsTheRequestedEpsilonWithinTheApprovedBudget() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery over = data.approvedQuery("0.5", 400_000);
        QueryApproval overApproval = ComputeFixtures.approve("q-dp-over", over, approver);
        install(worker, overApproval);
        assertEquals("QUERY_REFUSED_BUDGET_EXHAUSTED", refusal(() -> run(worker, over, overApproval, records)));

        ApprovedQuery q = data.approvedQuery("0.5", 500_000);
        QueryApproval a = ComputeFixtures.approve("q-dp", q, approver);
        install(worker, a);
        ComputeResult r = run(worker, q, a, records);
        JsonNode json = JSON.readTree(r.resultJson());
        assertEquals(500_000, json.get("epsilonSpentMicros").asLong());
        assertEquals("discreteLaplace", json.get("mechanism").asText());
        Map<String, long[]> expected = data.expectedCountsAndPatients();
        for (Map.Entry<String, JsonNode> g : groups(r).entrySet()) {
            // Laplace scale 3/0.5 = 6: a deviation above 120 has probability < e^-20
            assertEquals(expected.get(g.getKey())[0], g.getValue().get("count").asDouble(), 120.0);
        }
        for (JsonNode g : json.get("groups")) {
            double count = g.get("values").get("count").asDouble();
            JsonNode accuracy = g.get("accuracy").get("count");
            assertEquals("discreteLaplace", accuracy.get("mechanism").asText(), g.toString());
            assertEquals(6.0, accuracy.get("scale").asDouble(), "L / ε = 3 / 0.5");
            assertEquals(18.0, accuracy.get("halfWidth").asDouble(), "2 q^19 / (1 + q) <= 0.05 < 2 q^18 / (1 + q)");
            assertEquals(0.95, accuracy.get("confidence").asDouble());
            assertEquals(count - 18, accuracy.get("lower").asDouble());
            assertEquals(count + 18, accuracy.get("upper").asDouble());
        }
        byte[] narrowed = r.resultJsonString()
                .replace("\"halfWidth\":18.0", "\"halfWidth\":1.0")
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(Arrays.equals(narrowed, r.resultJson()));
        ComputeResult altered = new ComputeResult(
                r.queryId(),
                r.approvalHash(),
                r.queryHash(),
                r.measurement(),
                r.mrsigner(),
                r.productId(),
                r.svn(),
                narrowed,
                r.resultSignature(),
                r.statementSignature());
        assertThrows(
                SignatureException.class,
                () -> StatisticsClient.verify(altered, worker.publicKeys().signingKey()),
                "the signature covers the accuracy report");
    }

    @Test
    void theWorkerAppliesTheHospitalsDisclosureLimitsTheApprovedQueryCarries() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery plain = data.approvedQuery("0.5", 3_000_000);
        DisclosureLimits limits = DisclosureLimits.of(Map.of(2, new HospitalDisclosure(10, 200_000, 3, false)));
        ApprovedQuery limited = new ApprovedQuery(
                plain.templateJson(),
                plain.requestJson(),
                plain.permittedHospitals(),
                plain.revokedRecords(),
                plain.consentDeniedRecords(),
                plain.consentDigest(),
                plain.remainingBudgetMicros(),
                limits);
        QueryApproval approval = ComputeFixtures.approve("q-hospital-limit", limited, approver);
        install(worker, approval);
        assertEquals("QUERY_REFUSED_HOSPITAL_LIMIT", refusal(() -> run(worker, limited, approval, records)));

        ApprovedQuery within = data.approvedQuery("0.2", 3_000_000);
        ApprovedQuery withinLimited = new ApprovedQuery(
                within.templateJson(),
                within.requestJson(),
                within.permittedHospitals(),
                within.revokedRecords(),
                within.consentDeniedRecords(),
                within.consentDigest(),
                within.remainingBudgetMicros(),
                limits);
        QueryApproval ok = ComputeFixtures.approve("q-hospital-limit-ok", withinLimited, approver);
        install(worker, ok);
        assertEquals(
                200_000,
                JSON.readTree(run(worker, withinLimited, ok, records).resultJson())
                        .get("epsilonSpentMicros")
                        .asLong());
    }

    @Test
    void refusesWhenNoKeyWasInstalled() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery q = data.approvedQuery(null, 0);
        QueryApproval a = ComputeFixtures.approve("q-nokey", q, approver);
        assertEquals("NO_KEY", refusal(() -> run(worker, q, a, records)));
    }

    @Test
    void refusesAKeyInstalledForAnotherQueryOrAnotherApproval() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery q = data.approvedQuery(null, 0);
        install(worker, ComputeFixtures.approve("q-other", q, approver));
        QueryApproval mine = ComputeFixtures.approve("q-mine", q, approver);
        assertEquals("NO_KEY", refusal(() -> run(worker, q, mine, records)));

        QueryApproval first = QueryApproval.sign(
                "q-same",
                q.contentHash(),
                ComputeFixtures.PURPOSE_ATTRIBUTES,
                Instant.now().plusSeconds(100),
                approver);
        QueryApproval second = QueryApproval.sign(
                "q-same",
                q.contentHash(),
                ComputeFixtures.PURPOSE_ATTRIBUTES,
                Instant.now().plusSeconds(200),
                approver);
        install(worker, first);
        assertEquals("KEY_FOR_OTHER_APPROVAL", refusal(() -> run(worker, q, second, records)));
        run(worker, q, first, records);
    }

    @Test
    void refusesAnApprovalThatDoesNotCoverTheRelayedQuery() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery q = data.approvedQuery(null, 0);
        QueryApproval a = ComputeFixtures.approve("q-mismatch", q, approver);
        install(worker, a);
        ApprovedQuery otherRequest = new ApprovedQuery(
                ComputeFixtures.TEMPLATE,
                q.requestJson().replace("}", " }"),
                List.of(1, 2),
                List.of(),
                List.of(),
                ComputeFixtures.NO_CONSENT,
                0);
        assertEquals(
                "APPROVAL_MISMATCH",
                refusal(() -> run(worker, otherRequest, a, records)),
                "the regulator approved the request's exact text");
        // the request must name the approved template itself
        String otherTemplate = ComputeFixtures.TEMPLATE.replace("count-by-sex", "count-by-sex-2");
        ApprovedQuery crossed = ComputeFixtures.approvedQuery(otherTemplate, List.of(1, 2));
        QueryApproval ca = ComputeFixtures.approve("q-crossed", crossed, approver);
        install(worker, ca);
        assertEquals("APPROVAL_MISMATCH", refusal(() -> run(worker, crossed, ca, records)));
        ComputeResult ok = run(worker, q, a, records);
        StatisticsClient.verify(ok, worker.publicKeys().signingKey());
    }

    @Test
    void refusesUntrustedExpiredAndReplayedApprovals() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        EnclaveRuntime worker = newWorker(clock);
        ApprovedQuery q = data.approvedQuery(null, 0);
        KeyPair rogue = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        QueryApproval forged = ComputeFixtures.approve("q-rogue", q, rogue);
        assertEquals("APPROVAL_UNTRUSTED_APPROVER", refusal(() -> run(worker, q, forged, records)));

        QueryApproval a = ComputeFixtures.approve("q-once", q, approver);
        install(worker, a);
        byte[] bad = a.toBytes();
        bad[bad.length - 1] ^= 1;
        QueryApproval badSig = QueryApproval.parse(bad);
        assertEquals("APPROVAL_SIGNATURE", refusal(() -> run(worker, q, badSig, records)));

        run(worker, q, a, records);
        assertEquals("APPROVAL_REPLAYED", refusal(() -> run(worker, q, a, records)));

        QueryApproval later = ComputeFixtures.approve("q-late", q, approver);
        install(worker, later);
        clock.advance(Duration.ofMinutes(10));
        assertEquals("APPROVAL_EXPIRED", refusal(() -> run(worker, q, later, records)));
    }

    @Test
    void tamperedRecordBytesAreRefusedAndNothingIsConsumed() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery q = data.approvedQuery(null, 0);
        QueryApproval a = ComputeFixtures.approve("q-tamper", q, approver);
        install(worker, a);
        InputRecord recA = records.get(0);
        assertEquals("rec-a", recA.recordId());
        byte[] wire = recA.encryptedRows();
        for (int at : new int[] {0, 4, 20, 200, wire.length / 2, wire.length - 1}) {
            byte[] t = wire.clone();
            t[at] ^= 0x01;
            List<InputRecord> in = new ArrayList<>(records);
            in.set(0, new InputRecord("rec-a", 1, t));
            String code = refusal(() -> run(worker, q, a, in));
            assertTrue(code.equals("QUERY_REFUSED_INPUT_INVALID"), "byte " + at + " refused as " + code);
        }
        // rec-b's rows presented as rec-a (chunks are bound to their record id)
        List<InputRecord> swapped = new ArrayList<>(records);
        swapped.set(0, new InputRecord("rec-a", 1, records.get(1).encryptedRows()));
        swapped.remove(1);
        assertEquals("QUERY_REFUSED_INPUT_INVALID", refusal(() -> run(worker, q, a, swapped)));
        // the genuine records still run under the same approval: the refusals consumed nothing
        ComputeResult r = run(worker, q, a, records);
        assertEquals(2, JSON.readTree(r.resultJson()).get("inputRecords").asInt());
    }

    @Test
    void signatureVerifiesAndFailsWhenAnyByteChanges() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        ApprovedQuery q = data.approvedQuery(null, 0);
        QueryApproval a = ComputeFixtures.approve("q-sig", q, approver);
        install(worker, a);
        ComputeResult r = run(worker, q, a, records);
        VerifiedEnclave attested = attested(worker, workerSig.mrenclave());
        PublicKey key = StatisticsClient.signingKeyOf(attested);
        StatisticsClient.verify(r, key);
        StatisticsClient.verify(r, attested);

        byte[] wire = r.toBytes();
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < wire.length; i++) {
            byte[] t = wire.clone();
            t[i] ^= 0x20;
            ComputeResult m;
            try {
                m = ComputeResult.parse(t);
            } catch (MalformedEncodingException | IllegalArgumentException e) {
                continue;
            }
            try {
                StatisticsClient.verify(m, key);
                accepted.add(i);
            } catch (SignatureException expected) {
                // refused, as it must be
            }
        }
        assertEquals(List.of(), accepted, "positions whose change still verified");

        assertThrows(
                SignatureException.class,
                () -> StatisticsClient.verify(
                        r,
                        KeyPairGenerator.getInstance("Ed25519")
                                .generateKeyPair()
                                .getPublic()));
        assertThrows(
                SignatureException.class,
                () -> StatisticsClient.verify(
                        r,
                        attested(authorityEnclave, authorityEnclave.identity().mrenclave())));
    }

    @Test
    void malformedRequestsAreRefused() throws Exception {
        EnclaveRuntime worker = newWorker(Clock.systemUTC());
        assertEquals("BAD_REQUEST", refusal(() -> worker.call(StatisticsService.NAME, new byte[0])));
        assertEquals("BAD_REQUEST", refusal(() -> worker.call(StatisticsService.NAME, new byte[] {2})));
        ApprovedQuery q = data.approvedQuery(null, 0);
        List<CandidateRecord> candidates = records.stream()
                .map(r -> new CandidateRecord(r.recordId(), r.hospitalId()))
                .toList();
        byte[] ok = new ComputeRequest.Start(q, ComputeFixtures.approve("q-bad", q, approver), candidates, Set.of())
                .toBytes();
        byte[] trailing = Arrays.copyOf(ok, ok.length + 1);
        assertEquals("BAD_REQUEST", refusal(() -> worker.call(StatisticsService.NAME, trailing)));
        assertEquals(q, ApprovedQuery.parse(q.toBytes()));
        byte[] none = ComputeFixtures.NO_CONSENT;
        assertThrows(
                IllegalArgumentException.class,
                () -> new ApprovedQuery("{}", "{}", List.of(16384), List.of(), List.of(), none, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ApprovedQuery("{}", "{}", List.of(), List.of(), List.of(), none, -1));
    }
}
