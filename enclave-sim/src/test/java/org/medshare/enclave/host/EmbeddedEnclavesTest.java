package org.medshare.enclave.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.TestLedger;
import org.medshare.enclave.keyrelease.KeyRelease;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.TrustedParties;

class EmbeddedEnclavesTest {
    @Test
    void releasesKeysAndKeepsTheMasterKeyAcrossRestartsAndUpgrades(@TempDir Path dir) throws Exception {
        KeyPair approver = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        TestLedger ledger = new TestLedger(1);
        PublicParameters first;
        try (EmbeddedEnclaves e = EmbeddedEnclaves.start(
                dir, new TrustedParties(List.of(approver.getPublic()), Map.of()), ledger.trust(1), 1, Suite.NIST)) {
            assertTrue(e.authority().isSeparateProcess() && e.worker().isSeparateProcess());
            first = e.publicParameters();
            assertEquals(first, e.keyAuthority().attestedPublicParameters(e.authorityVerifier(Duration.ofMinutes(1))));
            QueryApproval a = QueryApproval.sign(
                    "q-emb",
                    Sha256.hash(new byte[] {1}),
                    Set.of("purpose:insurance-stats"),
                    Instant.now().plusSeconds(60),
                    approver);
            KeyRelease r = e.keyAuthority().releaseTo(e.worker(), a, ledger.logApproval(a));
            assertEquals(Set.of("purpose:insurance-stats"), r.record().attributes());
            byte[] nonce = e.workerVerifier(Duration.ofMinutes(1)).newNonce();
            assertTrue(e.worker().attest(nonce).quote().toString().contains("SIMULATED"));
        }
        assertTrue(Files.exists(dir.resolve("master-key.sealed")));
        try (EmbeddedEnclaves upgraded = EmbeddedEnclaves.start(
                dir, new TrustedParties(List.of(approver.getPublic()), Map.of()), ledger.trust(1), 2, Suite.NIST)) {
            assertEquals(first, upgraded.publicParameters());
        }
        EnclaveCallException downgrade = assertThrows(
                EnclaveCallException.class,
                () -> EmbeddedEnclaves.start(
                        dir,
                        new TrustedParties(List.of(approver.getPublic()), Map.of()),
                        ledger.trust(1),
                        1,
                        Suite.NIST));
        assertEquals("SEALING", downgrade.code());
    }
}
