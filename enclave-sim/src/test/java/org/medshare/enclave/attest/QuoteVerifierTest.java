package org.medshare.enclave.attest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.EnclaveMode;
import org.medshare.enclave.EnclavePublicKeys;
import org.medshare.enclave.MutableClock;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.attest.AttestationException.Reason;

class QuoteVerifierTest {
    static final byte[] MRENCLAVE = Sha256.hash("code".getBytes());
    static final byte[] MRSIGNER = Sha256.hash("vendor".getBytes());
    static final byte[] CONFIG_ID = Sha256.hash("config".getBytes());
    static final EnclaveIdentity GOOD = new EnclaveIdentity(MRENCLAVE, MRSIGNER, CONFIG_ID, 7, 3, false);

    MutableClock clock;
    SimRootCa root;
    QuotingEnclave qe;
    EnclavePublicKeys keys;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        root = SimRootCa.create(clock);
        qe = quotingEnclave(root, TcbLevel.UP_TO_DATE);
        keys = newKeys();
    }

    QuotingEnclave quotingEnclave(SimRootCa ca, TcbLevel tcb) throws GeneralSecurityException {
        SimPlatform p = SimPlatform.generate("test-platform", tcb, clock);
        return p.provision(ca.certifyPlatform(p.publicKey(), "test-platform"), ca.certificate());
    }

    static EnclavePublicKeys newKeys() throws GeneralSecurityException {
        return new EnclavePublicKeys(
                KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic(),
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
    }

    static EnclaveConstraint.Builder baseConstraint() {
        return EnclaveConstraint.builder()
                .acceptCodeHash(MRENCLAVE)
                .acceptSigner(MRSIGNER)
                .productId(7)
                .minSvn(3)
                .maxAttestationAge(Duration.ofMinutes(1))
                .allowSimulated();
    }

    QuoteVerifier verifier(EnclaveConstraint c) {
        return QuoteVerifier.development(
                root.certificate(), c, new NonceRegistry(clock, Duration.ofMinutes(5), 100), clock);
    }

    Quote quoteFor(QuotingEnclave q, EnclaveIdentity id, byte[] nonce) throws GeneralSecurityException {
        return q.quote(id, Quote.reportDataFor(nonce, keys.toBytes()));
    }

    Reason refusal(QuoteVerifier v, Quote q, byte[] nonce) {
        return assertThrows(AttestationException.class, () -> v.verify(q, nonce, keys.toBytes()))
                .reason();
    }

    @Test
    void acceptsAGenuineFreshQuote() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        Quote q = quoteFor(qe, GOOD, nonce);
        Quote parsed = Quote.parse(q.toBytes());
        assertEquals(q, parsed);
        VerifiedEnclave ve = v.verify(parsed.toBytes(), nonce, keys.toBytes());
        assertEquals(GOOD, ve.identity());
        assertEquals(EnclaveMode.SIMULATED, ve.mode());
        assertArrayEquals(keys.toBytes(), ve.boundPublicKey());
        assertTrue(q.toString().contains("SIMULATED"));
    }

    @Test
    void refusesAChainFromAnotherRoot() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        Quote q = quoteFor(quotingEnclave(SimRootCa.create(clock), TcbLevel.UP_TO_DATE), GOOD, nonce);
        assertEquals(Reason.CERTIFICATE_CHAIN, refusal(v, q, nonce));
    }

    @Test
    void refusesAnExpiredAttestationKeyCertificate() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        Quote q0 = quoteFor(qe, GOOD, new byte[32]);
        clock.advance(QuotingEnclave.ATTESTATION_KEY_VALIDITY.plusDays(1));
        byte[] nonce = v.newNonce();
        Quote q = quoteFor(qe, GOOD, nonce);
        assertEquals(Reason.CERTIFICATE_CHAIN, refusal(v, q, nonce));
        assertTrue(q0.issuedAt().isBefore(q.issuedAt()));
    }

    @Test
    void aCachedChainIsRefusedOnceItsCertificatesExpire() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] n1 = v.newNonce();
        v.verify(quoteFor(qe, GOOD, n1), n1, keys.toBytes());
        byte[] n2 = v.newNonce();
        v.verify(quoteFor(qe, GOOD, n2), n2, keys.toBytes());
        clock.advance(QuotingEnclave.ATTESTATION_KEY_VALIDITY.plusDays(1));
        byte[] n3 = v.newNonce();
        assertEquals(Reason.CERTIFICATE_CHAIN, refusal(v, quoteFor(qe, GOOD, n3), n3));
    }

    @Test
    void refusesATamperedQuoteBody() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().minSvn(0).build());
        byte[] nonce = v.newNonce();
        byte[] bytes = quoteFor(qe, GOOD, nonce).toBytes();
        int svnOffset = 4 + 2 + 1 + 1 + 32 * 3 + 2;
        bytes[svnOffset + 1] ^= 0x01; // SVN 3 -> 2
        AttestationException e = assertThrows(AttestationException.class, () -> v.verify(bytes, nonce, keys.toBytes()));
        assertEquals(Reason.SIGNATURE, e.reason());
    }

    @Test
    void refusesSimulatedWithoutOptInAndProductionRefusesTheOptIn() throws Exception {
        EnclaveConstraint noOptIn =
                EnclaveConstraint.builder().acceptCodeHash(MRENCLAVE).build();
        QuoteVerifier v = verifier(noOptIn);
        byte[] nonce = v.newNonce();
        assertEquals(Reason.SIMULATED_NOT_ALLOWED, refusal(v, quoteFor(qe, GOOD, nonce), nonce));

        NonceRegistry nonces = new NonceRegistry(clock, Duration.ofMinutes(5), 10);
        assertThrows(
                IllegalArgumentException.class,
                () -> QuoteVerifier.production(
                        root.certificate(), baseConstraint().build(), nonces, clock));
        QuoteVerifier prod = QuoteVerifier.production(root.certificate(), noOptIn, nonces, clock);
        byte[] n2 = prod.newNonce();
        assertEquals(Reason.SIMULATED_NOT_ALLOWED, refusal(prod, quoteFor(qe, GOOD, n2), n2));
    }

    @Test
    void refusesDebugEnclaves() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        EnclaveIdentity debug = new EnclaveIdentity(MRENCLAVE, MRSIGNER, CONFIG_ID, 7, 3, true);
        assertEquals(Reason.DEBUG_ENCLAVE, refusal(v, quoteFor(qe, debug, nonce), nonce));
    }

    @Test
    void refusesCodeHashNotOnTheAllowList() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        EnclaveIdentity other =
                new EnclaveIdentity(Sha256.hash("tampered".getBytes()), MRSIGNER, CONFIG_ID, 7, 3, false);
        assertEquals(Reason.CODE_HASH, refusal(v, quoteFor(qe, other, nonce), nonce));
    }

    @Test
    void refusesAnotherSigner() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        EnclaveIdentity other = new EnclaveIdentity(MRENCLAVE, Sha256.hash("evil".getBytes()), CONFIG_ID, 7, 3, false);
        assertEquals(Reason.SIGNER, refusal(v, quoteFor(qe, other, nonce), nonce));
    }

    @Test
    void refusesAnotherProduct() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        EnclaveIdentity other = new EnclaveIdentity(MRENCLAVE, MRSIGNER, CONFIG_ID, 8, 3, false);
        assertEquals(Reason.PRODUCT_ID, refusal(v, quoteFor(qe, other, nonce), nonce));
    }

    @Test
    void refusesSvnBelowMinimum() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().minSvn(4).build());
        byte[] nonce = v.newNonce();
        assertEquals(Reason.SVN_TOO_LOW, refusal(v, quoteFor(qe, GOOD, nonce), nonce));
    }

    @Test
    void refusesStaleTcbWhenSecureIsRequiredAndAcceptsItWhenStaleIsAllowed() throws Exception {
        QuotingEnclave stale = quotingEnclave(root, TcbLevel.OUT_OF_DATE);
        QuoteVerifier strict = verifier(baseConstraint().build());
        byte[] n1 = strict.newNonce();
        assertEquals(Reason.TCB_LEVEL, refusal(strict, quoteFor(stale, GOOD, n1), n1));
        QuoteVerifier lenient = verifier(baseConstraint()
                .minSecurityLevel(TcbLevel.SecuritySummary.STALE)
                .build());
        byte[] n2 = lenient.newNonce();
        assertEquals(
                GOOD,
                lenient.verify(quoteFor(stale, GOOD, n2), n2, keys.toBytes()).identity());
        QuotingEnclave revoked = quotingEnclave(root, TcbLevel.REVOKED);
        QuoteVerifier any = verifier(baseConstraint()
                .minSecurityLevel(TcbLevel.SecuritySummary.INSECURE)
                .build());
        byte[] n3 = any.newNonce();
        assertEquals(Reason.TCB_LEVEL, refusal(any, quoteFor(revoked, GOOD, n3), n3));
    }

    @Test
    void refusesAQuoteOlderThanTheMaximumAge() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        Quote q = quoteFor(qe, GOOD, nonce);
        clock.advance(Duration.ofMinutes(2));
        assertEquals(Reason.QUOTE_TOO_OLD, refusal(v, q, nonce));
    }

    @Test
    void refusesAReplayedNonce() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        Quote q = quoteFor(qe, GOOD, nonce);
        v.verify(q, nonce, keys.toBytes());
        assertEquals(Reason.NONCE_REPLAYED, refusal(v, q, nonce));
    }

    @Test
    void refusesAnExpiredNonce() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        clock.advance(Duration.ofMinutes(6));
        Quote q = quoteFor(qe, GOOD, nonce);
        assertEquals(Reason.NONCE_EXPIRED, refusal(v, q, nonce));
    }

    @Test
    void refusesANonceThisVerifierNeverIssued() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = new byte[32];
        assertEquals(Reason.NONCE_UNKNOWN, refusal(v, quoteFor(qe, GOOD, nonce), nonce));
    }

    @Test
    void refusesReportDataBoundToAnotherKey() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        Quote q = quoteFor(qe, GOOD, nonce);
        byte[] otherKeys = newKeys().toBytes();
        assertEquals(
                Reason.REPORT_DATA_MISMATCH,
                assertThrows(AttestationException.class, () -> v.verify(q, nonce, otherKeys))
                        .reason());
    }

    @Test
    void refusesMalformedQuotes() throws Exception {
        QuoteVerifier v = verifier(baseConstraint().build());
        byte[] nonce = v.newNonce();
        byte[] good = quoteFor(qe, GOOD, nonce).toBytes();
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertEquals(
                Reason.MALFORMED,
                assertThrows(AttestationException.class, () -> v.verify(trailing, nonce, keys.toBytes()))
                        .reason());
        byte[] version = good.clone();
        version[5] = 2;
        assertEquals(
                Reason.MALFORMED,
                assertThrows(AttestationException.class, () -> v.verify(version, nonce, keys.toBytes()))
                        .reason());
        byte[] mode = good.clone();
        mode[6] = 0x48;
        assertEquals(
                Reason.MALFORMED,
                assertThrows(AttestationException.class, () -> v.verify(mode, nonce, keys.toBytes()))
                        .reason());
        byte[] truncated = Arrays.copyOf(good, 50);
        assertEquals(
                Reason.MALFORMED,
                assertThrows(AttestationException.class, () -> v.verify(truncated, nonce, keys.toBytes()))
                        .reason());
    }

    @Test
    void constraintDslRoundTripsAndRejectsNonsense() {
        EnclaveConstraint c = baseConstraint().build();
        assertEquals(c, EnclaveConstraint.parse(c.toString()));
        assertTrue(c.toString().contains("SIMULATED:ALLOW"));
        assertTrue(c.toString().contains("PROD:7"));
        assertThrows(IllegalArgumentException.class, () -> EnclaveConstraint.parse("PROD:7"));
        assertThrows(IllegalArgumentException.class, () -> EnclaveConstraint.parse("S:" + "ab".repeat(32)));
        assertThrows(IllegalArgumentException.class, () -> EnclaveConstraint.parse("C:abcd"));
        assertThrows(
                IllegalArgumentException.class, () -> EnclaveConstraint.parse("C:" + "ab".repeat(32) + " EXPIRE:soon"));
        assertThrows(IllegalArgumentException.class, () -> EnclaveConstraint.parse("C:" + "ab".repeat(32) + " FOO:1"));
        assertThrows(
                IllegalArgumentException.class,
                () -> EnclaveConstraint.parse("C:" + "ab".repeat(32) + " SIMULATED:yes"));
    }
}
