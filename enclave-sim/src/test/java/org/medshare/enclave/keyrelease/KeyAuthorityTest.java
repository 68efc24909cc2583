package org.medshare.enclave.keyrelease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.Encapsulation;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.abe.UserKey;
import org.medshare.enclave.CodeSet;
import org.medshare.enclave.EnclaveConfig;
import org.medshare.enclave.EnclaveRuntime;
import org.medshare.enclave.Hex;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.SigStruct;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.TestEnclaves;
import org.medshare.enclave.TestLedger;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.EnclaveConstraint;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.QuotingEnclave;
import org.medshare.enclave.attest.SimPlatform;
import org.medshare.enclave.attest.SimRootCa;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.host.EnclaveHost;
import org.medshare.enclave.host.KeyAuthorityClient;
import org.medshare.enclave.keyrelease.KeyReleaseException.Reason;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.enclave.seal.PlatformSecret;
import org.medshare.enclave.seal.SealPolicy;
import org.medshare.enclave.seal.SealingException;
import org.medshare.enclave.seal.SealingKeys;

/** Acceptance: key release only to an attested, untampered enclave for an approved query. */
class KeyAuthorityTest {
    static final Set<String> PURPOSE = Set.of("purpose:insurance-stats", "org:insurer-a");
    static final EnclaveConfig WORKER_CONFIG = EnclaveConfig.release(Map.of("role", "statistics"));
    static final byte[] QUERY_HASH = Sha256.hash("count by age band".getBytes());

    static KeyPair vendor;
    static KeyPair approver;
    static KeyPair hospitalAGrants;
    static SimRootCa root;
    static QuotingEnclave qe;
    static CodeSet genuine;
    static SigStruct workerSig;
    static EnclaveConfig authorityConfig;
    static PlatformSecret platformSecret;
    /** Three members, two of which make a checkpoint final. */
    static TestLedger ledger;

    @BeforeAll
    static void setUp() throws Exception {
        vendor = TestEnclaves.newVendorKey();
        ledger = new TestLedger(3);
        approver = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        hospitalAGrants = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        root = SimRootCa.create(Clock.systemUTC());
        SimPlatform p = SimPlatform.generate("ka-test", TcbLevel.UP_TO_DATE, Clock.systemUTC());
        qe = p.provision(root.certifyPlatform(p.publicKey(), "ka-test"), root.certificate());
        genuine = CodeSet.ofRunningEnclave();
        workerSig = SigStruct.sign(genuine, WORKER_CONFIG, TestEnclaves.PRODUCT_ID, 1, vendor);
        authorityConfig = authorityConfig(workerSig.mrenclave(), false);
        platformSecret = PlatformSecret.generate(new SecureRandom());
    }

    static EnclaveConfig authorityConfig(byte[] allowedWorker, boolean production) throws Exception {
        String constraint = "C:" + Hex.of(allowedWorker) + " S:" + Hex.of(SigStruct.mrsignerOf(vendor.getPublic()))
                + " PROD:" + TestEnclaves.PRODUCT_ID + " MINSVN:1 EXPIRE:PT1M"
                + (production ? "" : " SIMULATED:ALLOW");
        Map<String, String> settings = new HashMap<>(ledger.authoritySettings(2));
        settings.putAll(Map.of(
                KeyAuthority.ROOT,
                Hex.of(root.certificate().getEncoded()),
                KeyAuthority.CONSTRAINT,
                constraint,
                KeyAuthority.APPROVERS,
                QueryApproval.keyIdOf(approver.getPublic()),
                KeyAuthority.GRANTORS,
                "hospital-a=" + QueryApproval.keyIdOf(hospitalAGrants.getPublic()),
                KeyAuthority.PRODUCTION,
                Boolean.toString(production),
                KeyAuthority.EPOCH,
                "2026Q4"));
        return EnclaveConfig.release(settings);
    }

    static EnclaveRuntime launch(CodeSet code, EnclaveConfig cfg, int svn) throws Exception {
        SigStruct sig = SigStruct.sign(code, cfg, TestEnclaves.PRODUCT_ID, svn, vendor);
        return EnclaveRuntime.launch(
                code,
                cfg,
                sig,
                qe,
                platformSecret,
                List.of(new KeyAuthorityService(Clock.systemUTC()), new KeyRequesterService()));
    }

    static KeyAuthority authority(EnclaveRuntime rt) throws Exception {
        KeyAuthority ka = KeyAuthority.fromConfig(rt, Clock.systemUTC());
        ka.setup(Suite.NIST);
        return ka;
    }

    static QueryApproval approval(String queryId, Instant notAfter, KeyPair by) throws Exception {
        return QueryApproval.sign(queryId, QUERY_HASH, PURPOSE, notAfter, by);
    }

    static KeyReleaseRequest request(KeyAuthority ka, EnclaveRuntime worker, QueryApproval a) throws Exception {
        byte[] nonce = ka.newNonce();
        return new KeyReleaseRequest(nonce, worker.attest(nonce), a, ledger.logApproval(a));
    }

    static KeyReleaseRequest request(KeyAuthority ka, EnclaveRuntime worker, QueryApproval a, LedgerProof logged)
            throws Exception {
        byte[] nonce = ka.newNonce();
        return new KeyReleaseRequest(nonce, worker.attest(nonce), a, logged);
    }

    static UserKeyIssue issue(KeyAuthority ka, UserKeyGrant grant) throws Exception {
        return ka.issueUserKey(grant, ledger.logGrant(grant));
    }

    static Reason refusal(KeyAuthority ka, KeyReleaseRequest r) {
        return assertThrows(KeyReleaseException.class, () -> ka.release(r)).reason();
    }

    @Test
    void releasesAWorkingUserKeyToAnAttestedEnclaveForAnApprovedQuery() throws Exception {
        KeyAuthority ka = authority(launch(genuine, authorityConfig, 1));
        EnclaveRuntime worker = launch(genuine, WORKER_CONFIG, 1);
        QueryApproval a = approval("q-1", Instant.now().plusSeconds(60), approver);
        KeyRelease release = ka.release(request(ka, worker, a));
        KeyReleaseRecord rec = KeyReleaseRecord.parse(release.record().toBytes());
        assertEquals("KEY_ISSUED", rec.eventType());
        assertEquals("q-1", rec.queryId());
        assertEquals(PURPOSE, rec.attributes());
        assertArrayEquals(worker.identity().mrenclave(), rec.requesterMrenclave());
        assertArrayEquals(a.hash(), rec.approvalHash());

        EnclaveRuntime authorityEnclave = launch(genuine, authorityConfig, 1);
        KeyAuthority ka2 = authority(authorityEnclave);
        KeyRelease r2 =
                ka2.release(request(ka2, worker, approval("q-1b", Instant.now().plusSeconds(60), approver)));
        r2.verifyAuthoritySignature(authorityEnclave.publicKeys());
        assertEquals(
                Reason.UNWRAP_FAILED,
                assertThrows(KeyReleaseException.class, () -> r2.verifyAuthoritySignature(worker.publicKeys()))
                        .reason());

        UserKey key = KeyAuthority.unwrap(worker, KeyRelease.parse(release.toBytes()));
        KeyRequesterService requester = new KeyRequesterService();
        assertTrue(KeyRequesterService.releasedKey(worker, "q-1").isEmpty());
        requester.call(new WireWriter().bytes(release.toBytes()).toByteArray(), worker);
        assertEquals(
                PURPOSE,
                KeyRequesterService.releasedKey(worker, "q-1").orElseThrow().attributes());
        assertArrayEquals(
                a.hash(),
                KeyRequesterService.releasedRecord(worker, "q-1").orElseThrow().approvalHash());
        assertEquals(PURPOSE, key.attributes());
        PublicParameters pp = ka.publicParameters();
        AbeScheme abe = new AbeScheme(new SecureRandom());
        Encapsulation enc = abe.encapsulate(pp, Policy.parse("purpose:insurance-stats AND org:insurer-a"));
        assertTrue(abe.decapsulate(key, enc.ciphertext()).equalsSecretBytes(enc.key()));

        EnclaveRuntime eavesdropper = launch(genuine, WORKER_CONFIG, 1);
        assertEquals(
                Reason.UNWRAP_FAILED,
                assertThrows(KeyReleaseException.class, () -> KeyAuthority.unwrap(eavesdropper, release))
                        .reason());
    }

    @Test
    void tamperedEnclaveClassChangesTheMeasurementAndTheKeyIsRefused(@TempDir Path tmp) throws Exception {
        KeyAuthority ka = authority(launch(genuine, authorityConfig, 1));
        Path tampered =
                TestEnclaves.tamperedCopy(tmp, "org/medshare/enclave/EnclaveServer.class", "MedShare enclave-sim");
        CodeSet tamperedSet = TestEnclaves.codeSetOf(tampered);
        EnclaveRuntime worker = launch(tamperedSet, WORKER_CONFIG, 1);
        assertFalse(Arrays.equals(workerSig.mrenclave(), worker.identity().mrenclave()));
        KeyReleaseRequest r = request(ka, worker, approval("q-2", Instant.now().plusSeconds(60), approver));
        KeyReleaseException e = assertThrows(KeyReleaseException.class, () -> ka.release(r));
        assertEquals(Reason.ATTESTATION_REFUSED, e.reason());
        assertTrue(e.getMessage().contains("CODE_HASH"), e.getMessage());
    }

    @Test
    void issuesClinicianKeysOnlyOnGrantsSignedByTheClinicianOwnHospital() throws Exception {
        KeyAuthority ka = authority(launch(genuine, authorityConfig, 1));
        byte[] recipient = KeyPairGenerator.getInstance("X25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        Set<String> attributes = Set.of("org:hospital-a@2026Q4", "role:physician");
        Instant notAfter = Instant.now().plusSeconds(60);

        UserKeyIssue issued = issue(
                ka,
                UserKeyGrant.sign("hospital-a", "hospital-a:alice", attributes, notAfter, recipient, hospitalAGrants));
        assertEquals(attributes, issued.statement().attributes());

        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        for (KeyPair signer : List.of(approver, other)) {
            UserKeyGrant foreign =
                    UserKeyGrant.sign("hospital-a", "hospital-a:mallory", attributes, notAfter, recipient, signer);
            assertEquals(
                    Reason.APPROVAL_UNTRUSTED_APPROVER,
                    assertThrows(KeyReleaseException.class, () -> issue(ka, foreign))
                            .reason(),
                    "a query-approval key or an unlisted key cannot grant clinician keys");
        }
        UserKeyGrant otherHospital = UserKeyGrant.sign(
                "hospital-b", "hospital-b:bob", Set.of("org:hospital-b@2026Q4"), notAfter, recipient, hospitalAGrants);
        assertEquals(
                Reason.APPROVAL_UNTRUSTED_APPROVER,
                assertThrows(KeyReleaseException.class, () -> issue(ka, otherHospital))
                        .reason(),
                "a hospital's grant key is trusted for its own clinicians only");
        UserKeyGrant expired = UserKeyGrant.sign(
                "hospital-a",
                "hospital-a:alice",
                attributes,
                Instant.now().minusSeconds(1),
                recipient,
                hospitalAGrants);
        assertEquals(
                Reason.APPROVAL_EXPIRED,
                assertThrows(KeyReleaseException.class, () -> issue(ka, expired))
                        .reason());
        assertEquals(
                Reason.APPROVAL_UNTRUSTED_APPROVER,
                assertThrows(
                                KeyReleaseException.class,
                                () -> ka.release(request(
                                        ka,
                                        launch(genuine, WORKER_CONFIG, 1),
                                        approval("q-grant-key", notAfter, hospitalAGrants))))
                        .reason(),
                "a grant key cannot approve queries");
    }

    @Test
    void releasesNoPurposeKeyUnlessTheApprovalIsFinalOnTheLedger() throws Exception {
        KeyAuthority ka = authority(launch(genuine, authorityConfig, 1));
        EnclaveRuntime worker = launch(genuine, WORKER_CONFIG, 1);
        QueryApproval a = approval("q-ledger", Instant.now().plusSeconds(60), approver);

        long approved = ledger.append(TestLedger.queryApproved("q-ledger"));
        long other = ledger.append(TestLedger.queryApproved("q-other"));
        long key = ledger.append(TestLedger.keyIssued(Hex.of(new byte[32]), "hospital-a:alice"));
        assertEquals(
                Reason.LEDGER_EVENT_MISMATCH,
                refusal(ka, request(ka, worker, a, ledger.proof(other, 3))),
                "another query's approval");
        assertEquals(
                Reason.LEDGER_EVENT_MISMATCH,
                refusal(ka, request(ka, worker, a, ledger.proof(key, 3))),
                "another type of event");
        assertEquals(
                Reason.NOT_ON_LEDGER,
                refusal(ka, request(ka, worker, a, ledger.proof(approved, 1))),
                "one member's signature is below the quorum of two");
        TestLedger forked = new TestLedger(3);
        long forgedIndex = forked.append(TestLedger.queryApproved("q-ledger"));
        assertEquals(
                Reason.NOT_ON_LEDGER,
                refusal(ka, request(ka, worker, a, forked.proof(forgedIndex, 3))),
                "checkpoints signed by keys the authority does not trust");
        LedgerProof genuineProof = ledger.proof(approved, 2);
        List<byte[]> badPath = genuineProof.inclusionPath();
        badPath.get(0)[0] ^= 1;
        assertEquals(
                Reason.NOT_ON_LEDGER,
                refusal(
                        ka,
                        request(
                                ka,
                                worker,
                                a,
                                new LedgerProof(
                                        genuineProof.entry(),
                                        genuineProof.index(),
                                        genuineProof.treeSize(),
                                        badPath,
                                        genuineProof.checkpoint()))),
                "an inclusion path that does not lead to the checkpoint's root");
        assertEquals(
                Reason.NOT_ON_LEDGER,
                refusal(
                        ka,
                        request(
                                ka,
                                worker,
                                a,
                                new LedgerProof(
                                        TestLedger.queryApproved("q-ledger"),
                                        genuineProof.index(),
                                        genuineProof.treeSize(),
                                        genuineProof.inclusionPath(),
                                        genuineProof.checkpoint()))),
                "an entry that is not the one the checkpoint covers");
        String tamperedNote = genuineProof.checkpoint().replace(TestLedger.ORIGIN, "other.example/ledger");
        assertEquals(
                Reason.NOT_ON_LEDGER,
                refusal(
                        ka,
                        request(
                                ka,
                                worker,
                                a,
                                new LedgerProof(
                                        genuineProof.entry(),
                                        genuineProof.index(),
                                        genuineProof.treeSize(),
                                        genuineProof.inclusionPath(),
                                        tamperedNote))),
                "another log's checkpoint");

        KeyRelease release = ka.release(request(ka, worker, a, genuineProof));
        assertEquals("q-ledger", release.record().queryId(), "the refusals consumed nothing");
    }

    @Test
    void issuesOrganisationAttributesOfTheCurrentEpochOnlyAndARaiseRetiresEarlierKeys() throws Exception {
        KeyAuthority ka = authority(launch(genuine, authorityConfig, 1));
        KeyPair clinician = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        byte[] recipient = clinician.getPublic().getEncoded();
        Instant notAfter = Instant.now().plusSeconds(60);
        assertEquals(Optional.of("2026Q4"), ka.epoch(), "the configured epoch before any raise");
        for (Set<String> stale : List.of(
                Set.of("org:hospital-a"),
                Set.of("org:hospital-a@2026Q3"),
                Set.of("org:hospital-a@2027Q1"),
                Set.of("org:hospital-a@next"),
                Set.of("org:hospital-a@2026Q4", "dept:cardiology@2026Q3"))) {
            UserKeyGrant grant =
                    UserKeyGrant.sign("hospital-a", "hospital-a:alice", stale, notAfter, recipient, hospitalAGrants);
            assertEquals(
                    Reason.EPOCH_NOT_CURRENT,
                    assertThrows(KeyReleaseException.class, () -> issue(ka, grant))
                            .reason(),
                    stale.toString());
        }
        UserKeyGrant otherOrganisation = UserKeyGrant.sign(
                "hospital-a",
                "hospital-a:alice",
                Set.of("org:hospital-b@2026Q4"),
                notAfter,
                recipient,
                hospitalAGrants);
        assertEquals(
                Reason.ATTRIBUTES_NOT_ALLOWED,
                assertThrows(KeyReleaseException.class, () -> issue(ka, otherOrganisation))
                        .reason());

        UserKey before = issue(
                        ka,
                        UserKeyGrant.sign(
                                "hospital-a",
                                "hospital-a:alice",
                                Set.of("org:hospital-a@2026Q4"),
                                notAfter,
                                recipient,
                                hospitalAGrants))
                .unwrap(clinician.getPrivate(), recipient);

        LedgerProof notARaise = ledger.proof(ledger.append(TestLedger.keyIssued(Hex.of(new byte[32]), "x:y")), 3);
        assertEquals(
                Reason.LEDGER_EVENT_MISMATCH,
                assertThrows(KeyReleaseException.class, () -> ka.observeEpoch(notARaise))
                        .reason());
        long raised = ledger.append(TestLedger.epochRaised("2026Q4", "2027Q1"));
        assertEquals(
                Reason.NOT_ON_LEDGER,
                assertThrows(KeyReleaseException.class, () -> ka.observeEpoch(ledger.proof(raised, 1)))
                        .reason(),
                "a raise under a checkpoint short of the quorum");
        assertEquals(Optional.of("2026Q4"), ka.epoch());
        assertEquals("2027Q1", ka.observeEpoch(ledger.proof(raised, 2)));
        assertEquals("2027Q1", ka.observeEpoch(ledger.logRaise("2026Q2", "2026Q3")), "an older raise changes nothing");

        UserKeyGrant retired = UserKeyGrant.sign(
                "hospital-a",
                "hospital-a:alice",
                Set.of("org:hospital-a@2026Q4"),
                notAfter,
                recipient,
                hospitalAGrants);
        assertEquals(
                Reason.EPOCH_NOT_CURRENT,
                assertThrows(KeyReleaseException.class, () -> issue(ka, retired))
                        .reason(),
                "after the raise the earlier epoch is not issued");
        UserKey after = issue(
                        ka,
                        UserKeyGrant.sign(
                                "hospital-a",
                                "hospital-a:alice",
                                Set.of("org:hospital-a@2027Q1"),
                                notAfter,
                                recipient,
                                hospitalAGrants))
                .unwrap(clinician.getPrivate(), recipient);

        AbeScheme abe = new AbeScheme(new SecureRandom());
        Encapsulation sinceRaise = abe.encapsulate(ka.publicParameters(), Policy.parse("org:hospital-a@2027Q1"));
        assertThrows(
                DecryptionFailedException.class,
                () -> abe.decapsulate(before, sinceRaise.ciphertext()),
                "a key of the earlier epoch opens no record encrypted since the raise");
        assertTrue(abe.decapsulate(after, sinceRaise.ciphertext()).equalsSecretBytes(sinceRaise.key()));
    }

    @Test
    void issuesNoClinicianKeyUnlessTheGrantIsFinalOnTheLedger() throws Exception {
        KeyAuthority ka = authority(launch(genuine, authorityConfig, 1));
        byte[] recipient = KeyPairGenerator.getInstance("X25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        Instant notAfter = Instant.now().plusSeconds(60);
        UserKeyGrant grant = UserKeyGrant.sign(
                "hospital-a",
                "hospital-a:alice",
                Set.of("org:hospital-a@2026Q4"),
                notAfter,
                recipient,
                hospitalAGrants);
        UserKeyGrant other = UserKeyGrant.sign(
                "hospital-a", "hospital-a:alice", Set.of("role:physician"), notAfter, recipient, hospitalAGrants);

        assertEquals(
                Reason.LEDGER_EVENT_MISMATCH,
                assertThrows(KeyReleaseException.class, () -> ka.issueUserKey(grant, ledger.logGrant(other)))
                        .reason(),
                "another grant's KEY_ISSUED");
        long toMallory = ledger.append(TestLedger.keyIssued(Hex.of(grant.hash()), "hospital-a:mallory"));
        assertEquals(
                Reason.LEDGER_EVENT_MISMATCH,
                assertThrows(KeyReleaseException.class, () -> ka.issueUserKey(grant, ledger.proof(toMallory, 3)))
                        .reason(),
                "a KEY_ISSUED naming another recipient");
        long logged = ledger.append(TestLedger.keyIssued(Hex.of(grant.hash()), grant.subject()));
        assertEquals(
                Reason.NOT_ON_LEDGER,
                assertThrows(KeyReleaseException.class, () -> ka.issueUserKey(grant, ledger.proof(logged, 0)))
                        .reason(),
                "an unsigned checkpoint");

        UserKeyIssue issued = ka.issueUserKey(grant, ledger.proof(logged, 2));
        assertEquals(Hex.of(grant.hash()), issued.statement().keyId(), "the key id is the logged grant's hash");
    }

    @Test
    void anAuthorityWithoutLedgerTrustDoesNotStart() throws Exception {
        Map<String, String> settings = new HashMap<>(authorityConfig.settings());
        settings.remove(KeyAuthority.LEDGER_KEYS);
        EnclaveRuntime noKeys = launch(genuine, EnclaveConfig.release(settings), 1);
        assertThrows(IllegalArgumentException.class, () -> KeyAuthority.fromConfig(noKeys, Clock.systemUTC()));
        settings.putAll(ledger.authoritySettings(1));
        settings.put(KeyAuthority.LEDGER_QUORUM, "4");
        EnclaveRuntime tooHigh = launch(genuine, EnclaveConfig.release(settings), 1);
        assertThrows(IllegalArgumentException.class, () -> KeyAuthority.fromConfig(tooHigh, Clock.systemUTC()));
    }

    @Test
    void refusesUnapprovedQueries() throws Exception {
        KeyAuthority ka = authority(launch(genuine, authorityConfig, 1));
        EnclaveRuntime worker = launch(genuine, WORKER_CONFIG, 1);
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertEquals(
                Reason.APPROVAL_UNTRUSTED_APPROVER,
                refusal(ka, request(ka, worker, approval("q-3", Instant.now().plusSeconds(60), stranger))));
        assertEquals(
                Reason.APPROVAL_EXPIRED,
                refusal(ka, request(ka, worker, approval("q-4", Instant.now().minusSeconds(1), approver))));
        byte[] forged = approval("q-5", Instant.now().plusSeconds(60), approver).toBytes();
        forged[forged.length - 1] ^= 1;
        assertEquals(Reason.APPROVAL_SIGNATURE, refusal(ka, request(ka, worker, QueryApproval.parse(forged))));
        QueryApproval once = approval("q-6", Instant.now().plusSeconds(60), approver);
        ka.release(request(ka, worker, once));
        assertEquals(Reason.APPROVAL_REPLAYED, refusal(ka, request(ka, worker, once)));
    }

    @Test
    void refusesReplayedAttestationAndAnAuthorityWithoutMasterKey() throws Exception {
        EnclaveRuntime authorityEnclave = launch(genuine, authorityConfig, 1);
        KeyAuthority fresh = KeyAuthority.fromConfig(authorityEnclave, Clock.systemUTC());
        EnclaveRuntime worker = launch(genuine, WORKER_CONFIG, 1);
        assertEquals(
                Reason.NOT_SET_UP,
                refusal(
                        fresh,
                        request(fresh, worker, approval("q-7", Instant.now().plusSeconds(60), approver))));
        KeyAuthority ka = authority(authorityEnclave);
        KeyReleaseRequest r = request(ka, worker, approval("q-8", Instant.now().plusSeconds(60), approver));
        ka.release(r);
        QueryApproval q9 = approval("q-9", Instant.now().plusSeconds(60), approver);
        KeyReleaseRequest replay = new KeyReleaseRequest(r.nonce(), r.evidence(), q9, ledger.logApproval(q9));
        KeyReleaseException e = assertThrows(KeyReleaseException.class, () -> ka.release(replay));
        assertEquals(Reason.ATTESTATION_REFUSED, e.reason());
        assertTrue(e.getMessage().contains("NONCE_REPLAYED"));
    }

    @Test
    void productionAuthorityConfigurationRefusesSimulatedOptIn() throws Exception {
        EnclaveConfig bad = EnclaveConfig.release(Map.of(
                KeyAuthority.ROOT,
                Hex.of(root.certificate().getEncoded()),
                KeyAuthority.CONSTRAINT,
                "C:" + Hex.of(workerSig.mrenclave()) + " SIMULATED:ALLOW",
                KeyAuthority.LEDGER_ORIGIN,
                TestLedger.ORIGIN,
                KeyAuthority.LEDGER_SUITE,
                "nist",
                KeyAuthority.LEDGER_QUORUM,
                "1",
                KeyAuthority.LEDGER_KEYS,
                ledger.authoritySettings(1).get(KeyAuthority.LEDGER_KEYS),
                KeyAuthority.APPROVERS,
                QueryApproval.keyIdOf(approver.getPublic()),
                KeyAuthority.PRODUCTION,
                "true"));
        EnclaveRuntime rt = launch(genuine, bad, 1);
        assertThrows(IllegalArgumentException.class, () -> KeyAuthority.fromConfig(rt, Clock.systemUTC()));
        KeyAuthority prod = authority(launch(genuine, authorityConfig(workerSig.mrenclave(), true), 1));
        EnclaveRuntime worker = launch(genuine, WORKER_CONFIG, 1);
        KeyReleaseException e = assertThrows(
                KeyReleaseException.class,
                () -> prod.release(
                        request(prod, worker, approval("q-10", Instant.now().plusSeconds(60), approver))));
        assertTrue(e.getMessage().contains("SIMULATED_NOT_ALLOWED"));
    }

    @Test
    void masterKeyIsSealedUnderMrsignerAndSurvivesAnUpgradeOnly() throws Exception {
        EnclaveRuntime v1 = launch(genuine, authorityConfig, 1);
        KeyAuthority ka1 = KeyAuthority.fromConfig(v1, Clock.systemUTC());
        KeyAuthority.Setup s = ka1.setup(Suite.NIST);
        assertEquals(SealPolicy.MRSIGNER, SealingKeys.policyOf(s.sealedMasterKey()));
        KeyAuthority ka2 = KeyAuthority.fromConfig(launch(genuine, authorityConfig, 2), Clock.systemUTC());
        assertEquals(s.publicParameters(), ka2.load(s.sealedMasterKey()));
        KeyAuthority.Setup s2 = KeyAuthority.fromConfig(launch(genuine, authorityConfig, 2), Clock.systemUTC())
                .setup(Suite.NIST);
        KeyAuthority downgraded = KeyAuthority.fromConfig(launch(genuine, authorityConfig, 1), Clock.systemUTC());
        assertThrows(SealingException.class, () -> downgraded.load(s2.sealedMasterKey()));
    }

    @Test
    void endToEndAcrossTwoEnclaveProcesses(@TempDir Path tmp) throws Exception {
        SigStruct authoritySig = SigStruct.sign(genuine, authorityConfig, TestEnclaves.PRODUCT_ID, 1, vendor);
        Path secret = tmp.resolve("platform.secret");
        try (EnclaveHost authority = EnclaveHost.start(new EnclaveHost.LaunchSpec(
                        authoritySig, authorityConfig, root, "p1", secret, TcbLevel.UP_TO_DATE));
                EnclaveHost worker = EnclaveHost.start(new EnclaveHost.LaunchSpec(
                        workerSig, WORKER_CONFIG, root, "p1", secret, TcbLevel.UP_TO_DATE))) {
            KeyAuthorityClient client = new KeyAuthorityClient(authority);
            KeyAuthorityClient.SetupResult setup = client.setup(Suite.NIST);
            assertTrue(setup.sealedMasterKey().length > 0);
            QueryApproval e2e = approval("q-e2e", Instant.now().plusSeconds(60), approver);
            KeyRelease release = client.releaseTo(worker, e2e, ledger.logApproval(e2e));
            assertEquals("q-e2e", release.record().queryId());
            assertEquals(setup.publicParameters(), client.publicParameters());

            // hospitals take the parameters only from an attested authority
            QuoteVerifier authorityVerifier = QuoteVerifier.development(
                    root.certificate(),
                    EnclaveConstraint.parse("C:" + Hex.of(authoritySig.mrenclave()) + " SIMULATED:ALLOW"),
                    new NonceRegistry(Clock.systemUTC(), Duration.ofMinutes(1), 10),
                    Clock.systemUTC());
            assertEquals(setup.publicParameters(), client.attestedPublicParameters(authorityVerifier));
            QuoteVerifier wrongAuthority = QuoteVerifier.development(
                    root.certificate(),
                    EnclaveConstraint.parse("C:" + Hex.of(workerSig.mrenclave()) + " SIMULATED:ALLOW"),
                    new NonceRegistry(Clock.systemUTC(), Duration.ofMinutes(1), 10),
                    Clock.systemUTC());
            assertEquals(
                    AttestationException.Reason.CODE_HASH,
                    assertThrows(AttestationException.class, () -> client.attestedPublicParameters(wrongAuthority))
                            .reason());

            // the same evidence cannot be used twice (nonce is single-use)
            byte[] nonce = new WireReader(
                            authority.call(KeyAuthorityService.NAME, new byte[] {KeyAuthorityService.NONCE}))
                    .bytes();
            QueryApproval e2e2 = approval("q-e2e-2", Instant.now().plusSeconds(60), approver);
            KeyReleaseRequest req = new KeyReleaseRequest(nonce, worker.attest(nonce), e2e2, ledger.logApproval(e2e2));
            byte[] call = new WireWriter()
                    .u8(KeyAuthorityService.RELEASE)
                    .bytes(req.toBytes())
                    .toByteArray();
            authority.call(KeyAuthorityService.NAME, call);
            EnclaveCallException replay =
                    assertThrows(EnclaveCallException.class, () -> authority.call(KeyAuthorityService.NAME, call));
            assertEquals("KEY_RELEASE_ATTESTATION_REFUSED", replay.code());
        }
    }

    @Test
    void tamperedWorkerProcessIsRefusedTheKey(@TempDir Path tmp) throws Exception {
        Path tampered = TestEnclaves.tamperedCopy(
                tmp.resolve("classes"), "org/medshare/enclave/EnclaveServer.class", "MedShare enclave-sim");
        SigStruct resigned =
                SigStruct.sign(TestEnclaves.codeSetOf(tampered), WORKER_CONFIG, TestEnclaves.PRODUCT_ID, 1, vendor);
        SigStruct authoritySig = SigStruct.sign(genuine, authorityConfig, TestEnclaves.PRODUCT_ID, 1, vendor);
        Path secret = tmp.resolve("platform.secret");
        try (EnclaveHost authority = EnclaveHost.start(new EnclaveHost.LaunchSpec(
                        authoritySig, authorityConfig, root, "p1", secret, TcbLevel.UP_TO_DATE));
                EnclaveHost worker = EnclaveHost.start(
                        new EnclaveHost.LaunchSpec(resigned, WORKER_CONFIG, root, "p1", secret, TcbLevel.UP_TO_DATE),
                        EnclaveHost.classPathReplacing(TestEnclaves.mainClasses(), tampered),
                        Duration.ofSeconds(60))) {
            KeyAuthorityClient client = new KeyAuthorityClient(authority);
            client.setup(Suite.NIST);
            EnclaveCallException e = assertThrows(EnclaveCallException.class, () -> {
                QueryApproval qt = approval("q-t", Instant.now().plusSeconds(60), approver);
                client.releaseTo(worker, qt, ledger.logApproval(qt));
            });
            assertEquals("KEY_RELEASE_ATTESTATION_REFUSED", e.code());
            assertTrue(e.getMessage().contains("CODE_HASH"), e.getMessage());
        }
    }
}
