package org.medshare.client.query;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.Policy;
import org.medshare.abe.Suite;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.client.testing.LoggedEntries;
import org.medshare.client.testing.TestAuthority;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.compute.ApprovedQuery;
import org.medshare.enclave.compute.ComputeResult;
import org.medshare.enclave.compute.InputRecord;
import org.medshare.enclave.compute.RecordedAttestation;
import org.medshare.enclave.compute.StatisticsClient;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.Sex;
import org.medshare.enclave.stats.QueryConsent;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.verify.TrustedKeys;

/**
 * {@code medshare query verify}: a result computed by the real (simulated) worker enclave, with its recorded quote,
 * and its COMPUTE event in a real signed ledger, verifies offline and online; a changed number, a swapped signing
 * key, a quote of another measurement and a missing or foreign COMPUTE event each fail with exit 1 naming the check.
 */
class QueryVerifyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUERY = "q-verify-1";
    static final String TEMPLATE = """
      {"id": "count-by-sex", "version": 1, "purpose": "insurance-stats",
       "groupBy": ["sex"], "aggregate": {"type": "count"},
       "privacy": {"dp": "optional", "maxRowsPerPatient": 3, "maxEpsilon": 1}}
      """;
    static final String REQUEST = "{\"templateId\": \"count-by-sex\", \"templateVersion\": 1, \"insurerId\":"
            + " \"insurer-x\", \"purpose\": \"insurance-stats\", \"parameters\": {}}";

    @TempDir
    static Path dir;

    static FakeMedshare fake;
    static Path insurer;
    static Path regulator;
    static Path trust;
    static Path keys;
    static ObjectNode genuine;
    static AttestationEvidence authorityEvidence;
    static byte[] authorityNonce;
    static ObjectNode uploadEntry;
    static Path partyKeys;
    static QueryApproval otherApproval;

    @BeforeAll
    static void computeOneResult() throws Exception {
        EmbeddedEnclaves enclaves = TestAuthority.enclaves();
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int p = 1; p <= 30; p++) {
            rows.add(row(p, Sex.FEMALE));
        }
        for (int p = 101; p <= 120; p++) {
            rows.add(row(p, Sex.MALE));
        }
        EncryptedRows sealed = EncryptedRows.seal(
                "rec-1",
                rows,
                enclaves.publicParameters(),
                Policy.parse("purpose:insurance-stats"),
                Suite.NIST,
                new SecureRandom());
        ApprovedQuery query = new ApprovedQuery(
                TEMPLATE,
                REQUEST,
                List.of(1),
                List.of(),
                List.of("rec-denied"),
                QueryConsent.digestOf(Map.of("consent-1", 2)),
                0);
        QueryApproval approval = QueryApproval.sign(
                QUERY,
                query.contentHash(),
                Set.of("purpose:insurance-stats"),
                Instant.now().plusSeconds(300),
                TestAuthority.approver());
        enclaves.keyAuthority().releaseTo(enclaves.worker(), approval, TestAuthority.logged(approval));
        StatisticsClient stats = new StatisticsClient(enclaves.worker());
        RecordedAttestation attested = stats.attestRecorded(enclaves.workerVerifier(Duration.ofMinutes(1)));
        ComputeResult result =
                stats.run(query, approval, List.of(new InputRecord("rec-1", 1, sealed.toBytes())), Set.of());
        assertTrue(
                result.resultJsonString().contains("\"consentDigest\""),
                "a result of format 2, which the verification below must accept");
        authorityNonce = new byte[32];
        new SecureRandom().nextBytes(authorityNonce);
        authorityEvidence = enclaves.authority().attest(authorityNonce);

        CheckpointSigner member = LedgerSuite.NIST.generateSigner("node-1.test");
        keys = dir.resolve("members.keys");
        TrustedKeys.write(keys, List.of(member.verifier()));
        trust = dir.resolve("worker.trust");
        Files.writeString(trust, enclaves.workerTrust().format());

        Event upload = Event.upload(1L, "hospital-a", "rec-1", new byte[32], new byte[32]);
        Event compute = Event.builder(EventType.COMPUTE)
                .timestamp(2L)
                .id(Field.ACTOR, "enclave")
                .id(Field.QUERY_ID, QUERY)
                .hash(Field.QUERY_HASH, new byte[32])
                .hash(Field.INPUT_ROOT, new byte[32])
                .hash(Field.RESULT_HASH, result.resultHash())
                .hash(Field.MEASUREMENT, result.measurement())
                .amount(Field.RECORD_COUNT, 1)
                .build();
        Base64.Encoder b64 = Base64.getEncoder();
        try (AuditLog log = AuditLog.open(
                dir.resolve("ledger"),
                AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", member)
                        .build())) {
            log.append(upload);
            long index = log.append(compute).index();
            SignedCheckpoint cp = log.checkpointNow();
            genuine = JSON.createObjectNode()
                    .put("queryId", QUERY)
                    .put("status", "COMPLETED")
                    .put("signedResult", result.resultJsonString())
                    .put("resultHash", HexFormat.of().formatHex(result.resultHash()));
            ObjectNode v = genuine.putObject("verification")
                    .put("evidence", b64.encodeToString(attested.evidence().toBytes()))
                    .put("nonce", b64.encodeToString(attested.nonce()))
                    .put(
                            "signingKey",
                            b64.encodeToString(StatisticsClient.signingKeyOf(attested.verified())
                                    .getEncoded()))
                    .put("computeResult", b64.encodeToString(result.toBytes()))
                    .put("approval", b64.encodeToString(approval.toBytes()));
            v.set("computeEvent", LoggedEntries.entry(log, index));
            v.set("computeReceipt", LoggedEntries.receipt(log, index, cp));
            uploadEntry = LoggedEntries.entry(log, 0);
        }
        partyKeys = dir.resolve("party-keys.txt");
        Files.writeString(
                partyKeys,
                "approve-queries regulator-nhc "
                        + b64.encodeToString(
                                TestAuthority.approver().getPublic().getEncoded()) + "\n");
        otherApproval = QueryApproval.sign(
                "q-other",
                query.contentHash(),
                Set.of("purpose:insurance-stats"),
                Instant.now().plusSeconds(300),
                TestAuthority.approver());
        fake = new FakeMedshare();
        insurer = login("irene");
        regulator = login("rita");
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    private static AnalyticsRow row(long patient, Sex sex) {
        return AnalyticsRow.of(
                patient * 7919L, AgeBand.ofAge(40), sex, new int[] {Icd10.encode("I10")}, 10_000, 5_000, 202503, 1);
    }

    private static Path login(String user) {
        Path config = dir.resolve(user);
        Result r = Cli.login(fake, config, user);
        assertEquals(0, r.code(), r.toString());
        return config;
    }

    private static Result verifyFile(ObjectNode view, String... more) throws Exception {
        Path f = Files.createTempFile(dir, "result", ".json");
        Files.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(view));
        List<String> args = new ArrayList<>(List.of(
                "query",
                "verify",
                QUERY,
                "--file",
                f.toString(),
                "--worker-trust",
                trust.toString(),
                "--keys",
                keys.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static ObjectNode copy() {
        return genuine.deepCopy();
    }

    private static ObjectNode verification(ObjectNode view) {
        return (ObjectNode) view.get("verification");
    }

    private static void assertFails(Result r, String message) {
        assertEquals(1, r.code(), r.toString());
        assertEquals(
                "medshare: query " + QUERY + " does not verify: " + message,
                r.err().strip(),
                r.toString());
        assertEquals("", r.out(), "nothing on stdout when a check fails");
    }

    @Test
    void aGenuineResultVerifiesOffline() throws Exception {
        Result r = verifyFile(genuine);
        assertEquals(0, r.code(), r.toString());
        String measurement = HexFormat.of()
                .formatHex(ComputeResult.parse(Base64.getDecoder()
                                .decode(genuine.get("verification")
                                        .get("computeResult")
                                        .asText()))
                        .measurement());
        assertEquals(
                "OK query " + QUERY + ": quote of the pinned worker " + measurement
                        + ", enclave signature, result hash "
                        + genuine.get("resultHash").asText() + ", COMPUTE event 1 in checkpoint of size 2",
                r.out().strip());
    }

    @Test
    void theApprovalIsCheckedAgainstThePinnedPartyKeys() throws Exception {
        Result ok = verifyFile(genuine, "--party-keys", partyKeys.toString());
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().strip().endsWith(", approved by regulator-nhc's pinned approval key"), ok.out());

        Path stranger = dir.resolve("stranger-party-keys.txt");
        Files.writeString(
                stranger,
                "approve-queries regulator-nhc "
                        + Base64.getEncoder()
                                .encodeToString(KeyPairGenerator.getInstance("Ed25519")
                                        .generateKeyPair()
                                        .getPublic()
                                        .getEncoded())
                        + "\n");
        String keyId = QueryApproval.keyIdOf(TestAuthority.approver().getPublic());
        assertFails(
                verifyFile(genuine, "--party-keys", stranger.toString()),
                "approval: its key " + keyId + " is not an approval key of the pinned party keys");

        ObjectNode swapped = copy();
        verification(swapped).put("approval", Base64.getEncoder().encodeToString(otherApproval.toBytes()));
        assertFails(
                verifyFile(swapped, "--party-keys", partyKeys.toString()),
                "approval: the approval shown is not the one the enclave's signed result names");
        assertEquals(0, verifyFile(swapped).code(), "without pinned party keys the approval is not checked");

        ObjectNode none = copy();
        verification(none).remove("approval");
        assertFails(verifyFile(none, "--party-keys", partyKeys.toString()), "approval: approval is missing");
    }

    @Test
    void aChangedNumberFails() throws Exception {
        ObjectNode view = copy();
        String json = view.get("signedResult").asText();
        String changed = json.replaceFirst("\"count\":(\\d)", "\"count\":9$1");
        assertNotEquals(json, changed);
        view.put("signedResult", changed);
        assertFails(verifyFile(view), "result hash: the result differs from the one the enclave signed");
    }

    @Test
    void aSwappedSigningKeyFails() throws Exception {
        ObjectNode view = copy();
        verification(view)
                .put(
                        "signingKey",
                        Base64.getEncoder()
                                .encodeToString(KeyPairGenerator.getInstance("Ed25519")
                                        .generateKeyPair()
                                        .getPublic()
                                        .getEncoded()));
        assertFails(verifyFile(view), "signature: the result-signing key is not the key the quote binds");
    }

    @Test
    void aQuoteOfAnotherMeasurementFails() throws Exception {
        ObjectNode view = copy();
        Base64.Encoder b64 = Base64.getEncoder();
        verification(view)
                .put("evidence", b64.encodeToString(authorityEvidence.toBytes()))
                .put("nonce", b64.encodeToString(authorityNonce))
                .put(
                        "signingKey",
                        b64.encodeToString(
                                authorityEvidence.publicKeys().signingKey().getEncoded()));
        Result r = verifyFile(view);
        assertEquals(1, r.code(), r.toString());
        assertTrue(
                r.err().contains("does not verify: measurement: MRENCLAVE ")
                        && r.err()
                                .contains("is not on the allow-list (not an approved measurement of the pinned trust)"),
                r.err());
    }

    @Test
    void aMissingOrForeignComputeEventFails() throws Exception {
        ObjectNode missing = copy();
        verification(missing).remove("computeEvent");
        assertFails(verifyFile(missing), "compute event: the result names no COMPUTE event on the ledger");

        ObjectNode foreign = copy();
        verification(foreign).set("computeEvent", uploadEntry);
        assertFails(verifyFile(foreign), "compute event: ledger entry 0 is not the COMPUTE event of query " + QUERY);

        ObjectNode unproved = copy();
        verification(unproved).remove("computeReceipt");
        assertFails(verifyFile(unproved), "compute event: no inclusion proof for ledger entry 1");
    }

    @Test
    void aComputeEventNotUnderATrustedCheckpointFails() throws Exception {
        CheckpointSigner stranger = LedgerSuite.NIST.generateSigner("node-1.test");
        Path strangerKeys = dir.resolve("stranger.keys");
        TrustedKeys.write(strangerKeys, List.of(stranger.verifier()));
        Result r = Cli.run(
                "query",
                "verify",
                QUERY,
                "--file",
                write(genuine).toString(),
                "--worker-trust",
                trust.toString(),
                "--keys",
                strangerKeys.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("compute event: not included under a trusted signed checkpoint"), r.err());

        ObjectNode rehashed = copy();
        Event forged = EventCodec.decode(Base64.getDecoder()
                .decode(genuine.get("verification")
                        .get("computeEvent")
                        .get("encoded")
                        .asText()));
        assertEquals(EventType.COMPUTE, forged.type());
        ObjectNode otherProof = (ObjectNode) verification(rehashed).get("computeReceipt");
        otherProof.withArray("inclusionProof").set(0, Base64.getEncoder().encodeToString(new byte[32]));
        Result bent = verifyFile(rehashed);
        assertEquals(1, bent.code(), bent.toString());
        assertTrue(bent.err().contains("compute event: not included under a trusted signed checkpoint"), bent.err());
    }

    @Test
    void onlineTheInsurerUsesTheReceiptInTheQueryAndTheRegulatorTheAuditProof() throws Exception {
        fake.putQuery(genuine.deepCopy());
        Result asInsurer = Cli.run(
                "query",
                "verify",
                QUERY,
                "--worker-trust",
                trust.toString(),
                "--keys",
                keys.toString(),
                "--config",
                insurer.toString());
        assertEquals(0, asInsurer.code(), asInsurer.toString());
        assertTrue(asInsurer.out().startsWith("OK query " + QUERY), asInsurer.out());

        ObjectNode stale =
                (ObjectNode) genuine.get("verification").get("computeReceipt").deepCopy();
        stale.withArray("inclusionProof").set(0, Base64.getEncoder().encodeToString(new byte[32]));
        fake.serveInclusion(1, stale);
        Result asRegulator = Cli.run(
                "query",
                "verify",
                QUERY,
                "--worker-trust",
                trust.toString(),
                "--keys",
                keys.toString(),
                "--config",
                regulator.toString());
        assertEquals(1, asRegulator.code(), "the regulator's proof comes from the audit API: " + asRegulator);
        fake.serveInclusion(1, (ObjectNode)
                genuine.get("verification").get("computeReceipt").deepCopy());
        Result proved = Cli.run(
                "query",
                "verify",
                QUERY,
                "--worker-trust",
                trust.toString(),
                "--keys",
                keys.toString(),
                "--config",
                regulator.toString());
        assertEquals(0, proved.code(), proved.toString());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertEquals(
                2,
                Cli.run(
                                "query",
                                "verify",
                                QUERY,
                                "--file",
                                write(genuine).toString(),
                                "--worker-trust",
                                trust.toString())
                        .code(),
                "--keys is required");
        assertEquals(
                2,
                Cli.run(
                                "query",
                                "verify",
                                QUERY,
                                "--file",
                                dir.resolve("absent.json").toString(),
                                "--worker-trust",
                                trust.toString(),
                                "--keys",
                                keys.toString())
                        .code());
        assertEquals(
                2,
                Cli.run(
                                "query",
                                "verify",
                                QUERY,
                                "--file",
                                write(genuine).toString(),
                                "--worker-trust",
                                dir.resolve("absent.trust").toString(),
                                "--keys",
                                keys.toString())
                        .code());
        assertEquals(
                2,
                Cli.run(
                                "query",
                                "verify",
                                "bad/id",
                                "--file",
                                write(genuine).toString(),
                                "--worker-trust",
                                trust.toString(),
                                "--keys",
                                keys.toString())
                        .code());
        assertEquals(2, verifyFile(genuine, "--quorum", "2").code());
        Result other = Cli.run(
                "query",
                "verify",
                "q-other",
                "--file",
                write(genuine).toString(),
                "--worker-trust",
                trust.toString(),
                "--keys",
                keys.toString());
        assertEquals(1, other.code(), other.toString());
        assertTrue(other.err().contains("the result is for query " + QUERY + ", not q-other"), other.err());
    }

    private static Path write(ObjectNode view) throws Exception {
        Path f = Files.createTempFile(dir, "result", ".json");
        Files.writeString(f, JSON.writeValueAsString(view));
        return f;
    }
}
