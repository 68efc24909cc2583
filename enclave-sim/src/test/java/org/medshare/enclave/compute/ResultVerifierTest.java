package org.medshare.enclave.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.Suite;
import org.medshare.enclave.Hex;
import org.medshare.enclave.TestLedger;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.compute.ResultVerificationException.Check;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.TrustedParties;

/**
 * A result from the real worker enclave, with its recorded quote, verifies offline against the deployment's
 * worker trust file; a changed number, a swapped signing key, a quote of another measurement and a result
 * signed for another query each fail, naming the check.
 */
class ResultVerifierTest {
    @TempDir
    static Path dir;

    static EmbeddedEnclaves enclaves;
    static RecordedAttestation attestation;
    static ComputeResult result;
    static AuthorityTrust trust;

    @BeforeAll
    static void runOneQuery() throws Exception {
        var approver = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        TestLedger ledger = new TestLedger(1);
        enclaves = EmbeddedEnclaves.start(
                dir.resolve("platform"),
                new TrustedParties(List.of(approver.getPublic()), Map.of()),
                ledger.trust(1),
                1,
                Suite.NIST);
        ComputeFixtures data = new ComputeFixtures();
        List<InputRecord> records = data.seal(enclaves.publicParameters());
        ApprovedQuery query = data.approvedQuery(null, 0);
        QueryApproval approval = ComputeFixtures.approve("q-verify", query, approver);
        enclaves.keyAuthority().releaseTo(enclaves.worker(), approval, ledger.logApproval(approval));
        StatisticsClient stats = new StatisticsClient(enclaves.worker());
        attestation = stats.attestRecorded(enclaves.workerVerifier(Duration.ofMinutes(1)));
        result = stats.run(query, approval, records, Set.of());
        trust = AuthorityTrust.parse(enclaves.workerTrust().format());
    }

    @AfterAll
    static void stop() throws Exception {
        enclaves.close();
    }

    private static QuoteVerifier verifier() {
        return trust.verifier(Clock.systemUTC());
    }

    private static byte[] signingKey() throws Exception {
        return StatisticsClient.signingKeyOf(attestation.verified()).getEncoded();
    }

    private static ResultVerifier.Verified verify(
            byte[] evidence, byte[] signingKey, byte[] computeResult, byte[] resultJson, String hash)
            throws ResultVerificationException {
        return ResultVerifier.verify(
                verifier(), "q-verify", evidence, attestation.nonce(), signingKey, computeResult, resultJson, hash);
    }

    @Test
    void aGenuineResultVerifiesAgainstThePinnedWorkerMeasurement() throws Exception {
        ResultVerifier.Verified ok = verify(
                attestation.evidence().toBytes(),
                signingKey(),
                result.toBytes(),
                result.resultJson(),
                Hex.of(result.resultHash()));
        assertArrayEquals(result.measurement(), ok.enclave().identity().mrenclave());
        assertEquals("q-verify", ok.result().queryId());
        assertTrue(trust.constraint().codeHashes().contains(Hex.of(result.measurement())), "the trust pins it");
    }

    @Test
    void aChangedNumberFailsTheResultHash() throws Exception {
        String json = result.resultJsonString();
        String changed = json.replaceFirst("\"count\":(\\d)", "\"count\":9$1");
        assertTrue(!changed.equals(json), "the fixture has a count to change");
        ResultVerificationException e = assertThrows(
                ResultVerificationException.class,
                () -> verify(
                        attestation.evidence().toBytes(),
                        signingKey(),
                        result.toBytes(),
                        changed.getBytes(StandardCharsets.UTF_8),
                        null));
        assertEquals(Check.RESULT_HASH, e.check());
        assertEquals("result hash: the result differs from the one the enclave signed", e.getMessage());

        ResultVerificationException hash = assertThrows(
                ResultVerificationException.class,
                () -> verify(
                        attestation.evidence().toBytes(),
                        signingKey(),
                        result.toBytes(),
                        result.resultJson(),
                        Hex.of(new byte[32])));
        assertEquals(Check.RESULT_HASH, hash.check());
    }

    @Test
    void aSwappedSigningKeyFailsTheSignatureCheck() throws Exception {
        byte[] other = KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        ResultVerificationException e = assertThrows(
                ResultVerificationException.class,
                () -> verify(attestation.evidence().toBytes(), other, result.toBytes(), result.resultJson(), null));
        assertEquals(Check.SIGNATURE, e.check());
        assertEquals("signature: the result-signing key is not the key the quote binds", e.getMessage());
    }

    @Test
    void aQuoteOfAnotherMeasurementFailsTheMeasurementCheck() throws Exception {
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        AttestationEvidence authority = enclaves.authority().attest(nonce);
        ResultVerificationException e = assertThrows(
                ResultVerificationException.class,
                () -> ResultVerifier.verify(
                        verifier(),
                        "q-verify",
                        authority.toBytes(),
                        nonce,
                        authority.publicKeys().signingKey().getEncoded(),
                        result.toBytes(),
                        result.resultJson(),
                        null));
        assertEquals(Check.MEASUREMENT, e.check());
        assertTrue(e.getMessage().startsWith("measurement: MRENCLAVE "), e.getMessage());
        assertTrue(
                e.getMessage().endsWith(" is not on the allow-list (not an approved measurement of the pinned trust)"),
                e.getMessage());
    }

    @Test
    void aQuoteThatDoesNotBindTheRecordedNonceOrWasAlteredFailsTheQuoteCheck() throws Exception {
        ResultVerificationException nonce = assertThrows(
                ResultVerificationException.class,
                () -> ResultVerifier.verify(
                        verifier(),
                        "q-verify",
                        attestation.evidence().toBytes(),
                        new byte[32],
                        signingKey(),
                        result.toBytes(),
                        result.resultJson(),
                        null));
        assertEquals(Check.QUOTE, nonce.check());
        byte[] bent = attestation.evidence().toBytes();
        bent[40] ^= 1;
        ResultVerificationException altered = assertThrows(
                ResultVerificationException.class,
                () -> verify(bent, signingKey(), result.toBytes(), result.resultJson(), null));
        assertEquals(Check.QUOTE, altered.check());
    }

    @Test
    void aResultSignedForAnotherQueryFailsTheSignatureCheck() throws Exception {
        ResultVerificationException e = assertThrows(
                ResultVerificationException.class,
                () -> ResultVerifier.verify(
                        verifier(),
                        "q-other",
                        attestation.evidence().toBytes(),
                        attestation.nonce(),
                        signingKey(),
                        result.toBytes(),
                        result.resultJson(),
                        null));
        assertEquals(Check.SIGNATURE, e.check());
        assertEquals("signature: the enclave signed this result for another query, q-verify", e.getMessage());
    }
}
