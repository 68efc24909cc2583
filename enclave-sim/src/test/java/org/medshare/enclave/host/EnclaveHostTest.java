package org.medshare.enclave.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.enclave.CodeSet;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.Hex;
import org.medshare.enclave.SigStruct;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.TestEnclaves;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.EnclaveConstraint;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.SimRootCa;
import org.medshare.enclave.attest.VerifiedEnclave;

class EnclaveHostTest {
    static KeyPair vendor;
    static SimRootCa root;
    static CodeSet genuine;
    static SigStruct sig;

    @BeforeAll
    static void setUp() throws Exception {
        vendor = TestEnclaves.newVendorKey();
        root = SimRootCa.create(Clock.systemUTC());
        genuine = TestEnclaves.codeSetOf(TestEnclaves.mainClasses());
        sig = SigStruct.sign(genuine, TestEnclaves.CONFIG, TestEnclaves.PRODUCT_ID, 2, vendor);
    }

    static EnclaveHost.LaunchSpec spec(SigStruct s, Path dir) {
        return new EnclaveHost.LaunchSpec(
                s, TestEnclaves.CONFIG, root, "host-test", dir.resolve("platform.secret"), TcbLevel.UP_TO_DATE);
    }

    static QuoteVerifier verifierFor(byte[] mrenclave) {
        EnclaveConstraint c = EnclaveConstraint.builder()
                .acceptCodeHash(mrenclave)
                .acceptSigner(SigStruct.mrsignerOf(vendor.getPublic()))
                .productId(TestEnclaves.PRODUCT_ID)
                .minSvn(2)
                .maxAttestationAge(Duration.ofMinutes(1))
                .allowSimulated()
                .build();
        return QuoteVerifier.development(
                root.certificate(),
                c,
                new NonceRegistry(Clock.systemUTC(), Duration.ofMinutes(1), 10),
                Clock.systemUTC());
    }

    @Test
    void enclaveRunsInItsOwnProcessAndAttests(@TempDir Path tmp) throws Exception {
        try (EnclaveHost host = EnclaveHost.start(spec(sig, tmp))) {
            assertTrue(host.isSeparateProcess());
            assertNotEquals(ProcessHandle.current().pid(), host.pid());
            assertTrue(host.banner().contains("SIMULATED"));
            assertTrue(host.toString().contains("SIMULATED"));
            assertArrayEquals(sig.mrenclave(), host.identity().mrenclave());
            QuoteVerifier v = verifierFor(sig.mrenclave());
            byte[] nonce = v.newNonce();
            AttestationEvidence ev = host.attest(nonce);
            VerifiedEnclave ve = ev.verify(v, nonce);
            assertEquals(host.identity(), ve.identity());
            assertEquals(host.identity(), EnclaveIdentity.parse(host.call("enclave.identity", new byte[0])));
            EnclaveCallException e = assertThrows(EnclaveCallException.class, () -> host.call("no.such", new byte[0]));
            assertEquals("NO_SUCH_SERVICE", e.code());
            assertEquals(
                    "BAD_REQUEST",
                    assertThrows(EnclaveCallException.class, () -> host.call("enclave.identity", new byte[1]))
                            .code());
        }
    }

    @Test
    void aChildThatCannotStartIsReportedWithoutHanging(@TempDir Path tmp) throws Exception {
        long t0 = System.nanoTime();
        // a classpath without the enclave classes: the child JVM exits before HELLO
        assertThrows(
                IOException.class, () -> EnclaveHost.start(spec(sig, tmp), tmp.toString(), Duration.ofSeconds(20)));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos());
    }

    @Test
    void enclaveJvmAcceptsOnlyTuningOptions(@TempDir Path tmp) throws Exception {
        String cp = System.getProperty("java.class.path");
        assertThrows(
                IllegalArgumentException.class,
                () -> EnclaveHost.start(spec(sig, tmp), cp, Duration.ofSeconds(5), List.of("-javaagent:evil.jar")));
        assertThrows(
                IllegalArgumentException.class,
                () -> EnclaveHost.start(
                        spec(sig, tmp), cp, Duration.ofSeconds(5), List.of("-Dorg.medshare.debug=true")));
        try (EnclaveHost host = EnclaveHost.start(spec(sig, tmp), cp, Duration.ofSeconds(60), List.of("-Xmx256m"))) {
            assertArrayEquals(sig.mrenclave(), host.identity().mrenclave());
        }
    }

    @Test
    void inProcessModeSpeaksTheSameProtocol(@TempDir Path tmp) throws Exception {
        try (EnclaveHost host = EnclaveHost.startInProcess(spec(sig, tmp), genuine)) {
            assertFalse(host.isSeparateProcess());
            QuoteVerifier v = verifierFor(sig.mrenclave());
            byte[] nonce = v.newNonce();
            assertEquals(host.identity(), host.attest(nonce).verify(v, nonce).identity());
        }
    }

    @Test
    void tamperedClassWithTheGenuineSigStructIsNotLaunched(@TempDir Path tmp) throws Exception {
        Path tampered = TestEnclaves.tamperedCopy(
                tmp.resolve("classes"), "org/medshare/enclave/EnclaveServer.class", "MedShare enclave-sim");
        String cp = EnclaveHost.classPathReplacing(TestEnclaves.mainClasses(), tampered);
        EnclaveCallException e = assertThrows(
                EnclaveCallException.class, () -> EnclaveHost.start(spec(sig, tmp), cp, Duration.ofSeconds(60)));
        assertEquals("LAUNCH_REFUSED", e.code());
    }

    @Test
    void tamperedClassResignedHasAnotherMeasurementAndIsRefused(@TempDir Path tmp) throws Exception {
        Path tampered = TestEnclaves.tamperedCopy(
                tmp.resolve("classes"), "org/medshare/enclave/EnclaveServer.class", "MedShare enclave-sim");
        CodeSet tamperedSet = TestEnclaves.codeSetOf(tampered);
        SigStruct resigned = SigStruct.sign(tamperedSet, TestEnclaves.CONFIG, TestEnclaves.PRODUCT_ID, 2, vendor);
        String cp = EnclaveHost.classPathReplacing(TestEnclaves.mainClasses(), tampered);
        try (EnclaveHost host = EnclaveHost.start(spec(resigned, tmp), cp, Duration.ofSeconds(60))) {
            assertTrue(host.isSeparateProcess());
            assertFalse(Arrays.equals(sig.mrenclave(), host.identity().mrenclave()), Hex.of(sig.mrenclave()));
            QuoteVerifier v = verifierFor(sig.mrenclave());
            byte[] nonce = v.newNonce();
            AttestationEvidence ev = host.attest(nonce);
            AttestationException ex = assertThrows(AttestationException.class, () -> ev.verify(v, nonce));
            assertEquals(AttestationException.Reason.CODE_HASH, ex.reason());
        }
    }
}
