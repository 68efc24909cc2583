package org.medshare.enclave.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.InsecureSecretKeyAccess;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.Sha256;

class SealingKeysTest {
    static final byte[] SIGNER = Sha256.hash("vendor".getBytes());
    static final byte[] CONFIG = Sha256.hash("config".getBytes());
    static final byte[] SECRET = Sha256.hash("platform fuse".getBytes());
    static final byte[] DATA = "ABE master key bytes".getBytes(StandardCharsets.UTF_8);
    static final byte[] AAD = "authority-v1".getBytes(StandardCharsets.UTF_8);

    static EnclaveIdentity id(String code, byte[] signer, int product, int svn) {
        return new EnclaveIdentity(Sha256.hash(code.getBytes()), signer, CONFIG, product, svn, false);
    }

    static SealingKeys keys(EnclaveIdentity id) {
        return keys(id, SECRET);
    }

    static SealingKeys keys(EnclaveIdentity id, byte[] secret) {
        return new SealingKeys(PlatformSecret.of(secret, InsecureSecretKeyAccess.get()), id, new SecureRandom());
    }

    @Test
    void mrenclavePolicyOpensOnlyForTheSameCode() throws Exception {
        byte[] blob = keys(id("v1", SIGNER, 7, 1)).seal(SealPolicy.MRENCLAVE, DATA, AAD);
        assertEquals(SealPolicy.MRENCLAVE, SealingKeys.policyOf(blob));
        assertArrayEquals(DATA, keys(id("v1", SIGNER, 7, 1)).unseal(blob, AAD));
        assertThrows(
                SealingException.class,
                () -> keys(id("v1-tampered", SIGNER, 7, 1)).unseal(blob, AAD));
    }

    @Test
    void mrsignerPolicySurvivesAnUpgradeButNotADowngrade() throws Exception {
        byte[] v1Blob = keys(id("v1", SIGNER, 7, 1)).seal(SealPolicy.MRSIGNER, DATA, AAD);
        SealingKeys v2 = keys(id("v2", SIGNER, 7, 2));
        assertArrayEquals(DATA, v2.unseal(v1Blob, AAD));
        byte[] v2Blob = v2.seal(SealPolicy.MRSIGNER, DATA, AAD);
        SealingException e = assertThrows(
                SealingException.class, () -> keys(id("v1", SIGNER, 7, 1)).unseal(v2Blob, AAD));
        assertTrue(e.getMessage().contains("SVN 2"));
        assertThrows(SealingException.class, () -> keys(id("v2", SIGNER, 7, 1)).unseal(v2Blob, AAD));
    }

    @Test
    void mrsignerPolicyRefusesAnotherSignerOrProduct() throws Exception {
        byte[] blob = keys(id("v1", SIGNER, 7, 1)).seal(SealPolicy.MRSIGNER, DATA, AAD);
        assertThrows(
                SealingException.class,
                () -> keys(id("v1", Sha256.hash("evil".getBytes()), 7, 1)).unseal(blob, AAD));
        assertThrows(SealingException.class, () -> keys(id("v1", SIGNER, 8, 1)).unseal(blob, AAD));
    }

    @Test
    void refusesAnotherPlatformWrongAadAndAnyBitFlip() throws Exception {
        EnclaveIdentity me = id("v1", SIGNER, 7, 1);
        byte[] blob = keys(me).seal(SealPolicy.MRENCLAVE, DATA, AAD);
        assertThrows(
                SealingException.class,
                () -> keys(me, Sha256.hash("other machine".getBytes())).unseal(blob, AAD));
        assertThrows(SealingException.class, () -> keys(me).unseal(blob, "other".getBytes()));
        for (int i = 0; i < blob.length; i++) {
            byte[] flipped = blob.clone();
            flipped[i] ^= 0x01;
            int at = i;
            assertThrows(SealingException.class, () -> keys(me).unseal(flipped, AAD), "bit flip at " + at);
        }
        assertThrows(SealingException.class, () -> keys(me).unseal(Arrays.copyOf(blob, blob.length + 1), AAD));
    }

    @Test
    void platformSecretFilePersists(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("platform.secret");
        EnclaveIdentity me = id("v1", SIGNER, 7, 1);
        byte[] blob = new SealingKeys(PlatformSecret.loadOrCreate(f), me, new SecureRandom())
                .seal(SealPolicy.MRENCLAVE, DATA, AAD);
        assertArrayEquals(
                DATA, new SealingKeys(PlatformSecret.loadOrCreate(f), me, new SecureRandom()).unseal(blob, AAD));
        assertEquals(
                "PlatformSecret{<redacted>}", PlatformSecret.loadOrCreate(f).toString());
    }
}
