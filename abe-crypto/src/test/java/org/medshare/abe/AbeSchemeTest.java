package org.medshare.abe;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AbeSchemeTest {
    static AbeScheme scheme;
    static MasterKey msk;
    static PublicParameters pp;

    @BeforeAll
    static void setUp() {
        scheme = new AbeScheme(new DeterministicRandom(1));
        msk = scheme.setup(Suite.NIST);
        pp = msk.publicParameters();
    }

    @Test
    void decapsulatesIffAttributesSatisfyRandomPolicies() throws Exception {
        Random r = new Random(807);
        int ok = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Policy policy = Policy.parse(RandomPolicies.expression(r, 3));
            Set<String> attrs = RandomPolicies.attributeSet(r);
            UserKey key = scheme.keygen(msk, attrs);
            Encapsulation enc = scheme.encapsulate(pp, policy);
            Ciphertext ct = Ciphertext.parse(enc.ciphertext().toBytes());
            boolean expected = policy.isSatisfiedBy(attrs);
            try {
                SecretBytes k = scheme.decapsulate(key, ct);
                if (!expected || !k.equalsSecretBytes(enc.key())) {
                    failures.add(policy + " / " + attrs + " expected=" + expected);
                }
                ok++;
            } catch (DecryptionFailedException e) {
                if (expected) {
                    failures.add(policy + " / " + attrs + " refused");
                }
                assertEquals(DecryptionFailedException.MESSAGE, e.getMessage());
                refused++;
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(ok >= 5 && refused >= 5, ok + " / " + refused);
    }

    @Test
    void repeatedAttributesAndThresholds() throws Exception {
        UserKey key = scheme.keygen(msk, List.of("a:1", "b:2"));
        for (String p : List.of(
                "a:1 AND a:1",
                "(a:1 OR c:3) AND (a:1 OR d:4) AND b:2",
                "2 of (a:1, c:3, b:2, a:1)",
                "3 of (a:1, a:1, c:3, b:2)",
                "2 of (c:3, 2 of (a:1, b:2, x:y), a:1)")) {
            Encapsulation e = scheme.encapsulate(pp, Policy.parse(p));
            assertTrue(scheme.decapsulate(key, e.ciphertext()).equalsSecretBytes(e.key()), p);
        }
        Encapsulation e = scheme.encapsulate(pp, Policy.parse("3 of (a:1, c:3, b:2, d:4)"));
        assertThrows(DecryptionFailedException.class, () -> scheme.decapsulate(key, e.ciphertext()));
    }

    @Test
    void collusionOfTwoKeysDoesNotHelp() throws Exception {
        UserKey alice = scheme.keygen(msk, List.of("a:1"));
        UserKey bob = scheme.keygen(msk, List.of("b:2"));
        Encapsulation e = scheme.encapsulate(pp, Policy.parse("a:1 AND b:2"));
        // splice Bob's attribute component into Alice's key: different key randomness, wrong result
        UserKey spliced = UserKey.parse(splice(alice, bob), InsecureSecretKeyAccess.get());
        assertEquals(Set.of("a:1", "b:2"), spliced.attributes());
        assertFalse(scheme.decapsulate(spliced, e.ciphertext()).equalsSecretBytes(e.key()));
    }

    /** Alice's key with Bob's "b:2" component added (attributes sorted: a:1 then b:2). */
    private static byte[] splice(UserKey alice, UserKey bob) {
        byte[] a = alice.toBytes(InsecureSecretKeyAccess.get());
        byte[] b = bob.toBytes(InsecureSecretKeyAccess.get());
        int attrLen = 2 + 3 + 3 * 96; // "a:1" entry
        byte[] out = new byte[a.length + attrLen];
        System.arraycopy(a, 0, out, 0, 5);
        out[5] = 0;
        out[6] = 2;
        System.arraycopy(a, 7, out, 7, attrLen); // a:1 entry
        System.arraycopy(b, 7, out, 7 + attrLen, attrLen); // b:2 entry
        System.arraycopy(a, 7 + attrLen, out, 7 + 2 * attrLen, a.length - 7 - attrLen);
        return out;
    }

    @Test
    void keysAndParametersSerialiseAndNothingSecretInToString() throws Exception {
        MasterKey m2 = MasterKey.parse(msk.toBytes(InsecureSecretKeyAccess.get()), InsecureSecretKeyAccess.get());
        assertEquals(pp, m2.publicParameters());
        assertEquals(pp, PublicParameters.parse(pp.toBytes()));
        UserKey k = scheme.keygen(m2, List.of("role:physician"));
        UserKey k2 = UserKey.parse(k.toBytes(InsecureSecretKeyAccess.get()), InsecureSecretKeyAccess.get());
        Encapsulation e = scheme.encapsulate(pp, Policy.parse("role:physician"));
        assertTrue(scheme.decapsulate(k2, e.ciphertext()).equalsSecretBytes(e.key()));
        assertEquals("UserKey[role:physician]", k2.toString());
        assertFalse(msk.toString().matches(".*[0-9a-f]{40}.*"), msk.toString());
        assertTrue(e.toString().contains("SecretBytes[32 bytes]"));
        assertThrows(NullPointerException.class, () -> k.toBytes(null));
    }

    @Test
    void versionsAndMagicAreChecked() {
        byte[] b = pp.toBytes();
        b[4] = 2;
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PublicParameters.parse(b));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        byte[] c = pp.toBytes();
        c[0] = 'X';
        assertThrows(KeyFormatException.class, () -> PublicParameters.parse(c));
        byte[] d = pp.toBytes();
        d[5] = 9;
        assertThrows(KeyFormatException.class, () -> PublicParameters.parse(d));
        assertThrows(KeyFormatException.class, () -> PublicParameters.parse(Arrays.copyOf(pp.toBytes(), 100)));
        byte[] u = scheme.keygen(msk, List.of("x:y")).toBytes(InsecureSecretKeyAccess.get());
        u[5] = (byte) 0xff; // attribute count 65535+: absurd, refused without allocation
        u[6] = (byte) 0xff;
        assertThrows(KeyFormatException.class, () -> UserKey.parse(u, InsecureSecretKeyAccess.get()));
    }

    @Test
    void nonSubgroupPointsAreRefusedInKeysParametersAndCiphertexts() throws Exception {
        byte[] badG1 = InvalidPoints.g1NotInSubgroup(1);
        byte[] badG2 = InvalidPoints.g2NotInSubgroup(1);
        assertTrue(new supranational.blst.P1_Affine(badG1).on_curve(), "test point is on the curve");

        // public parameters: H1 is the first G2 point (offset 6)
        byte[] params = pp.toBytes();
        System.arraycopy(badG2, 0, params, 6, 192);
        assertThrows(KeyFormatException.class, () -> PublicParameters.parse(params));

        // user key: first attribute component (offset 7 + 2 + len("a:1"))
        UserKey key = scheme.keygen(msk, List.of("a:1"));
        byte[] kb = key.toBytes(InsecureSecretKeyAccess.get());
        byte[] k1 = kb.clone();
        System.arraycopy(badG1, 0, k1, 12, 96);
        assertThrows(KeyFormatException.class, () -> UserKey.parse(k1, InsecureSecretKeyAccess.get()));
        byte[] k2 = kb.clone();
        System.arraycopy(badG2, 0, k2, 12 + 3 * 96, 192); // sk0[0]
        assertThrows(KeyFormatException.class, () -> UserKey.parse(k2, InsecureSecretKeyAccess.get()));

        // ciphertext: ct0[0] and row 0 component 0
        Encapsulation e = scheme.encapsulate(pp, Policy.parse("a:1"));
        byte[] ct = e.ciphertext().toBytes();
        int policyEnd = 4 + 1 + 2 + "a:1".length();
        int ct0 = policyEnd + 2;
        int row0 = ct0 + 3 * 192;
        byte[] c1 = ct.clone();
        System.arraycopy(badG2, 0, c1, ct0, 192);
        assertThrows(DecryptionFailedException.class, () -> scheme.decapsulate(key, Ciphertext.parse(c1)));
        byte[] c2 = ct.clone();
        System.arraycopy(badG1, 0, c2, row0, 96);
        assertThrows(DecryptionFailedException.class, () -> scheme.decapsulate(key, Ciphertext.parse(c2)));
        // sanity: the unmodified ciphertext decapsulates
        assertTrue(scheme.decapsulate(key, Ciphertext.parse(ct)).equalsSecretBytes(e.key()));
    }

    @Test
    void ciphertextStructureIsChecked() throws Exception {
        Encapsulation e = scheme.encapsulate(pp, Policy.parse("a:1 OR b:2"));
        byte[] ct = e.ciphertext().toBytes();
        assertThrows(MalformedCiphertextException.class, () -> Ciphertext.parse(Arrays.copyOf(ct, ct.length - 1)));
        byte[] v = ct.clone();
        v[4] = 7;
        MalformedCiphertextException m = assertThrows(MalformedCiphertextException.class, () -> Ciphertext.parse(v));
        assertTrue(m.getMessage().contains("version 7"));
        byte[] rows = ct.clone();
        rows[4 + 1 + 2 + "a:1 OR b:2".length() + 1] = 1; // claims 1 row for a 2-row policy
        assertThrows(MalformedCiphertextException.class, () -> Ciphertext.parse(rows));
    }
}
