package org.medshare.abe;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecordKemTest {
    static AbeScheme scheme;
    static MasterKey msk;
    static UserKey allowed;
    static UserKey other;
    static final Policy POLICY = Policy.parse("org:hospital-a OR purpose:stats@2026Q4");
    static final byte[] CONTEXT = "rows header".getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void setUp() {
        scheme = new AbeScheme(new DeterministicRandom(11));
        msk = scheme.setup(Suite.NIST);
        allowed = scheme.keygen(msk, List.of("purpose:stats@2026Q4"));
        other = scheme.keygen(msk, List.of("org:hospital-b"));
    }

    @Test
    void envelopeAndDerivedKeyOpenFromOneEncapsulation() throws Exception {
        for (Suite suite : Suite.values()) {
            RecordKem kem = RecordKem.encapsulate(scheme, msk.publicParameters(), POLICY);
            byte[] bundle = "{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8);
            byte[] envelope = kem.envelope(suite, bundle);
            SecretBytes rowsKey = kem.deriveKey(suite, "analytics rows", CONTEXT);

            assertArrayEquals(bundle, Envelope.decrypt(allowed, envelope), suite.label());
            EnvelopeHeader header = Envelope.inspect(new ByteArrayInputStream(envelope));
            assertEquals(POLICY, header.policy());
            assertEquals(suite, header.suite());

            RecordKem opened = RecordKem.decapsulate(
                    scheme, allowed, Ciphertext.parse(kem.ciphertext().toBytes()));
            assertTrue(rowsKey.equalsSecretBytes(opened.deriveKey(suite, "analytics rows", CONTEXT)), suite.label());
            assertEquals(RecordKem.KEY_BYTES, rowsKey.size());
            assertEquals(RecordKem.KEY_BYTES, rowsKey.toByteArray(InsecureSecretKeyAccess.get()).length);
            assertEquals("SecretBytes[32 bytes]", rowsKey.toString(), "the key is never shown");
        }
    }

    @Test
    void derivedKeysDependOnLabelContextAndSuite() {
        RecordKem kem = RecordKem.encapsulate(scheme, msk.publicParameters(), POLICY);
        SecretBytes base = kem.deriveKey(Suite.NIST, "analytics rows", CONTEXT);
        assertTrue(base.equalsSecretBytes(kem.deriveKey(Suite.NIST, "analytics rows", CONTEXT)));
        assertFalse(base.equalsSecretBytes(kem.deriveKey(Suite.NIST, "analytics rowz", CONTEXT)));
        assertFalse(base.equalsSecretBytes(kem.deriveKey(Suite.GM, "analytics rows", CONTEXT)));
        assertFalse(base.equalsSecretBytes(kem.deriveKey(Suite.NIST, "analytics rows", new byte[] {1})));
        RecordKem fresh = RecordKem.encapsulate(scheme, msk.publicParameters(), POLICY);
        assertFalse(base.equalsSecretBytes(fresh.deriveKey(Suite.NIST, "analytics rows", CONTEXT)));
    }

    @Test
    void twoEnvelopesFromOneKemUseDifferentPayloadKeys() throws Exception {
        RecordKem kem = RecordKem.encapsulate(scheme, msk.publicParameters(), POLICY);
        byte[] pt = new byte[64];
        byte[] a = kem.envelope(Suite.NIST, pt);
        byte[] b = kem.envelope(Suite.NIST, pt);
        assertFalse(Arrays.equals(a, b), "fresh nonce prefix, so a fresh header digest and payload key");
        assertArrayEquals(pt, Envelope.decrypt(allowed, a));
        assertArrayEquals(pt, Envelope.decrypt(allowed, b));
    }

    @Test
    void refusesKeysOutsideThePolicyAndBadLabels() {
        RecordKem kem = RecordKem.encapsulate(scheme, msk.publicParameters(), POLICY);
        assertThrows(DecryptionFailedException.class, () -> RecordKem.decapsulate(scheme, other, kem.ciphertext()));
        assertThrows(
                DecryptionFailedException.class, () -> Envelope.decrypt(other, kem.envelope(Suite.NIST, new byte[3])));
        for (String bad : new String[] {"", "Rows", "rows\u0000", "x".repeat(65), " rows"}) {
            assertThrows(IllegalArgumentException.class, () -> kem.deriveKey(Suite.NIST, bad, CONTEXT), bad);
        }
        assertFalse(kem.toString().contains("key="), "no key material in toString");
    }
}
