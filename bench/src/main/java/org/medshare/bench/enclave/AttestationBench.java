package org.medshare.bench.enclave;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.medshare.abe.Suite;
import org.medshare.abe.UserKey;
import org.medshare.bench.TempTrees;
import org.medshare.enclave.CodeSet;
import org.medshare.enclave.EnclaveConfig;
import org.medshare.enclave.EnclaveRuntime;
import org.medshare.enclave.Hex;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.SigStruct;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.EnclaveConstraint;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.QuotingEnclave;
import org.medshare.enclave.attest.SimPlatform;
import org.medshare.enclave.attest.SimRootCa;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.host.EnclaveHost;
import org.medshare.enclave.host.KeyAuthorityClient;
import org.medshare.enclave.keyrelease.KeyAuthority;
import org.medshare.enclave.keyrelease.KeyRelease;
import org.medshare.enclave.keyrelease.KeyReleaseRecord;
import org.medshare.enclave.keyrelease.KeyReleaseRequest;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.enclave.seal.PlatformSecret;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Latency of simulated attestation and of key release (target: attestation + key release
 * ≤ 50 ms). Baseline in the same run: one ECDSA P-256 sign + verify, the cryptographic core of a
 * quote. Variants:
 *
 * <ul>
 *   <li>{@code attestAndVerify}: nonce, quote, full verification (chain, signature, constraint).
 *   <li>{@code keyReleaseInProcess}: nonce, quote, verification, approval check, the check that the
 *       approval's QUERY_APPROVED event is under a signed checkpoint (signature and inclusion proof in a
 *       log of {@value #LOGGED} entries), FAME keygen for two attributes, X25519 wrap, record signing,
 *       unwrap by the requester.
 *   <li>{@code attestAndVerifyAcrossProcess}: quote fetched from an enclave child process over
 *       the host protocol, verified in the host.
 *   <li>{@code keyReleaseAcrossProcesses}: the whole release through two enclave child processes
 *       and the host protocol ({@code KeyAuthorityClient.releaseTo}, what the service pays).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AttestationBench {
    static final Set<String> PURPOSE = Set.of("purpose:insurance-stats", "org:insurer-a");
    static final byte[] QUERY_HASH = Sha256.hash("bench query".getBytes(StandardCharsets.UTF_8));
    /** QUERY_APPROVED events on the bench's ledger, one per query id the approvals cycle through. */
    static final int LOGGED = 1024;

    static final String ORIGIN = "bench.example/ledger";

    KeyPair approver;
    KeyPair ecdsa;
    byte[] message = new byte[1024];
    QuoteVerifier verifier;
    EnclaveRuntime worker;
    KeyAuthority authority;
    EnclaveHost authorityHost;
    EnclaveHost workerHost;
    KeyAuthorityClient client;
    Path tmp;
    final AtomicLong queryCounter = new AtomicLong();
    AuditLog ledger;
    SignedCheckpoint checkpoint;

    /** An approval and the proof of its QUERY_APPROVED event. */
    record Approved(QueryApproval approval, LedgerProof logged) {}

    @Setup
    public void setUp() throws Exception {
        Clock clock = Clock.systemUTC();
        KeyPair vendor = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        approver = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        ecdsa = ec.generateKeyPair();
        new SecureRandom().nextBytes(message);
        SimRootCa root = SimRootCa.create(clock);
        SimPlatform platform = SimPlatform.generate("bench", TcbLevel.UP_TO_DATE, clock);
        QuotingEnclave qe = platform.provision(root.certifyPlatform(platform.publicKey(), "bench"), root.certificate());
        CodeSet code = CodeSet.ofRunningEnclave();
        EnclaveConfig workerConfig = EnclaveConfig.release(Map.of("role", "statistics"));
        SigStruct workerSig = SigStruct.sign(code, workerConfig, 7, 1, vendor);
        String constraint = "C:" + Hex.of(workerSig.mrenclave()) + " S:"
                + Hex.of(SigStruct.mrsignerOf(vendor.getPublic())) + " PROD:7 MINSVN:1 EXPIRE:PT1M SIMULATED:ALLOW";
        tmp = Files.createTempDirectory("enclave-bench");
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner(ORIGIN);
        ledger = AuditLog.open(
                tmp.resolve("ledger"),
                AuditLogConfig.builder(LedgerSuite.NIST, ORIGIN, signer).build());
        for (int i = 0; i < LOGGED; i++) {
            ledger.append(Event.builder(EventType.QUERY_APPROVED)
                    .timestamp(System.currentTimeMillis())
                    .id(Field.ACTOR, "regulator-nhc")
                    .id(Field.QUERY_ID, "bench-" + i)
                    .hash(Field.QUERY_HASH, QUERY_HASH)
                    .build());
        }
        checkpoint = ledger.checkpointNow();
        EnclaveConfig authorityConfig = EnclaveConfig.release(Map.of(
                KeyAuthority.ROOT,
                Hex.of(root.certificate().getEncoded()),
                KeyAuthority.CONSTRAINT,
                constraint,
                KeyAuthority.APPROVERS,
                QueryApproval.keyIdOf(approver.getPublic()),
                KeyAuthority.LEDGER_ORIGIN,
                ORIGIN,
                KeyAuthority.LEDGER_SUITE,
                "nist",
                KeyAuthority.LEDGER_QUORUM,
                "1",
                KeyAuthority.LEDGER_KEYS,
                signer.verifier().encode()));
        SigStruct authoritySig = SigStruct.sign(code, authorityConfig, 7, 1, vendor);
        PlatformSecret secret = PlatformSecret.generate(new SecureRandom());
        worker = EnclaveRuntime.launch(code, workerConfig, workerSig, qe, secret, List.of());
        EnclaveRuntime authorityEnclave =
                EnclaveRuntime.launch(code, authorityConfig, authoritySig, qe, secret, List.of());
        authority = KeyAuthority.fromConfig(authorityEnclave, clock);
        authority.setup(Suite.NIST);
        verifier = QuoteVerifier.development(
                root.certificate(),
                EnclaveConstraint.parse(constraint),
                new NonceRegistry(clock, Duration.ofMinutes(2), 1_000_000),
                clock);

        Path secretFile = tmp.resolve("platform.secret");
        authorityHost = EnclaveHost.start(new EnclaveHost.LaunchSpec(
                authoritySig, authorityConfig, root, "bench", secretFile, TcbLevel.UP_TO_DATE));
        workerHost = EnclaveHost.start(
                new EnclaveHost.LaunchSpec(workerSig, workerConfig, root, "bench", secretFile, TcbLevel.UP_TO_DATE));
        client = new KeyAuthorityClient(authorityHost);
        client.setup(Suite.NIST);
    }

    @TearDown
    public void tearDown() throws Exception {
        authorityHost.close();
        workerHost.close();
        ledger.close();
        TempTrees.delete(tmp);
    }

    /** A fresh approval of one of the logged query ids, with the proof of its event. */
    Approved nextApproval() throws Exception {
        int i = (int) (queryCounter.incrementAndGet() % LOGGED);
        QueryApproval approval = QueryApproval.sign(
                "bench-" + i, QUERY_HASH, PURPOSE, Instant.now().plusSeconds(60), approver);
        long size = checkpoint.checkpoint().size();
        LedgerProof proof = new LedgerProof(
                ledger.readEncoded(i), i, size, ledger.inclusionProof(i, size).hashes(), checkpoint.format());
        return new Approved(approval, proof);
    }

    @Benchmark
    public boolean baselineEcdsaP256SignVerify() throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(ecdsa.getPrivate());
        s.update(message);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(ecdsa.getPublic());
        v.update(message);
        return v.verify(sig);
    }

    @Benchmark
    public VerifiedEnclave attestAndVerify() throws Exception {
        byte[] nonce = verifier.newNonce();
        AttestationEvidence ev = worker.attest(nonce);
        return ev.verify(verifier, nonce);
    }

    @Benchmark
    public UserKey keyReleaseInProcess() throws Exception {
        byte[] nonce = authority.newNonce();
        Approved a = nextApproval();
        KeyRelease r = authority.release(new KeyReleaseRequest(nonce, worker.attest(nonce), a.approval(), a.logged()));
        return KeyAuthority.unwrap(worker, r);
    }

    @Benchmark
    public VerifiedEnclave attestAndVerifyAcrossProcess() throws Exception {
        byte[] nonce = verifier.newNonce();
        return workerHost.attest(nonce).verify(verifier, nonce);
    }

    @Benchmark
    public KeyReleaseRecord keyReleaseAcrossProcesses() throws Exception {
        Approved a = nextApproval();
        return client.releaseTo(workerHost, a.approval(), a.logged()).record();
    }
}
