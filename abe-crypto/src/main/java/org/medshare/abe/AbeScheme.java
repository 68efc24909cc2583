package org.medshare.abe;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.medshare.abe.internal.Group;
import org.medshare.abe.internal.Gt;
import org.medshare.abe.internal.Lsss;
import org.medshare.abe.internal.Sha256;
import supranational.blst.P1;
import supranational.blst.P1_Affine;
import supranational.blst.P2_Affine;

/**
 * FAME ciphertext-policy ABE (Agrawal–Chase, "FAME: Fast Attribute-based Message Encryption", CCS
 * 2017, eprint 2017/807, §4 with k = 2, under the decisional linear assumption) on BLS12-381, used as
 * a key-encapsulation mechanism.
 *
 * <p>Large universe: attribute {@code y} and span-program column {@code j} are hashed to G1 as
 * {@code H(y, l, t)} and {@code H(0j, l, t)} (RFC 9380, domain {@value Group#HASH_DST}). Attributes may
 * appear any number of times in a policy. Decapsulation costs six Miller loops and one final
 * exponentiation whatever the policy.
 *
 * <p>Security guarantees: a key encapsulated under a policy can be recovered exactly by user keys
 * whose attribute set satisfies the policy; collusion of users does not help (adaptive security in
 * the random-oracle model, paper Thm. 4.1). The ciphertext hides the key but not the policy. The
 * encapsulated key is {@code SHA-256("MEDSHARE-V1-FAME-KEM" || T1^s1 T2^s2)}, 32 bytes.
 *
 * <p>Thread-safe if the supplied {@link SecureRandom} is.
 */
public final class AbeScheme {
    private static final byte[] KEM_LABEL = "MEDSHARE-V1-FAME-KEM".getBytes(StandardCharsets.US_ASCII);
    private final SecureRandom random;

    public AbeScheme(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A scheme drawing randomness from a fresh {@link SecureRandom}. */
    public static AbeScheme create() {
        return new AbeScheme(new SecureRandom());
    }

    /** Setup: a fresh master key (with its public parameters) recording {@code defaultSuite}. */
    public MasterKey setup(Suite defaultSuite) {
        Objects.requireNonNull(defaultSuite, "defaultSuite");
        BigInteger[] ab = new BigInteger[4];
        for (int i = 0; i < 4; i++) {
            ab[i] = Group.randomScalar(random);
        }
        BigInteger[] d = {Group.randomScalar(random), Group.randomScalar(random), Group.randomScalar(random)};
        P1_Affine g = P1_Affine.generator();
        P2_Affine h = P2_Affine.generator();
        P2_Affine h1 = Group.mul(h, ab[0]).to_affine();
        P2_Affine h2 = Group.mul(h, ab[1]).to_affine();
        BigInteger e1 = d[0].multiply(ab[0]).add(d[2]).mod(Group.ORDER);
        BigInteger e2 = d[1].multiply(ab[1]).add(d[2]).mod(Group.ORDER);
        Gt t1 = Group.pair(Group.mul(g, e1).to_affine(), h);
        Gt t2 = Group.pair(Group.mul(g, e2).to_affine(), h);
        P1_Affine[] gd = new P1_Affine[3];
        for (int i = 0; i < 3; i++) {
            gd[i] = Group.mul(g, d[i]).to_affine();
        }
        return new MasterKey(new PublicParameters(h1, h2, t1, t2, defaultSuite), ab, gd);
    }

    /**
     * KeyGen for a set of attributes (each validated as {@link Attribute}; duplicates collapse).
     *
     * @throws IllegalArgumentException if an attribute is malformed or the set is empty
     */
    public UserKey keygen(MasterKey msk, Collection<String> attributes) {
        if (attributes.isEmpty()) {
            throw new IllegalArgumentException("a user key needs at least one attribute");
        }
        for (String a : attributes) {
            Attribute.of(a);
        }
        BigInteger n = Group.ORDER;
        BigInteger r1 = Group.randomScalar(random);
        BigInteger r2 = Group.randomScalar(random);
        BigInteger sigma = Group.randomScalar(random);
        BigInteger[] br = {
            msk.b(0).multiply(r1).mod(n),
            msk.b(1).multiply(r2).mod(n),
            r1.add(r2).mod(n)
        };
        P2_Affine h = P2_Affine.generator();
        P1_Affine g = P1_Affine.generator();
        P2_Affine[] k0 = new P2_Affine[3];
        for (int l = 0; l < 3; l++) {
            k0[l] = Group.mul(h, br[l]).to_affine();
        }
        BigInteger[] aInv = {msk.a(0).modInverse(n), msk.a(1).modInverse(n)};
        Map<String, P1_Affine[]> perAttribute = new LinkedHashMap<>();
        for (String y : attributes) {
            if (perAttribute.containsKey(y)) {
                continue;
            }
            BigInteger sigmaY = Group.randomScalar(random);
            P1_Affine[] k = new P1_Affine[3];
            for (int t = 0; t < 2; t++) {
                P1 acc = Group.mul(g, sigmaY.multiply(aInv[t]).mod(n));
                for (int l = 0; l < 3; l++) {
                    acc.add(Group.mul(
                            Group.hashAttribute(y, l, t),
                            br[l].multiply(aInv[t]).mod(n)));
                }
                k[t] = acc.to_affine();
            }
            k[2] = Group.mul(g, n.subtract(sigmaY)).to_affine();
            perAttribute.put(y, k);
        }
        P1_Affine[] kp = new P1_Affine[3];
        for (int t = 0; t < 2; t++) {
            P1 acc = Group.mul(g, sigma.multiply(aInv[t]).mod(n));
            acc.add(msk.gd(t));
            for (int l = 0; l < 3; l++) {
                acc.add(Group.mul(
                        Group.hashColumn(1, l, t), br[l].multiply(aInv[t]).mod(n)));
            }
            kp[t] = acc.to_affine();
        }
        kp[2] = Group.mul(g, n.subtract(sigma)).add(msk.gd(2)).to_affine();
        return new UserKey(perAttribute, k0, kp);
    }

    /** Encrypt (as a KEM): a fresh data key and its ciphertext under {@code policy}. */
    public Encapsulation encapsulate(PublicParameters pp, Policy policy) {
        Lsss m = policy.spanProgram();
        BigInteger n = Group.ORDER;
        BigInteger s1 = Group.randomScalar(random);
        BigInteger s2 = Group.randomScalar(random);
        supranational.blst.Scalar[] s = {Group.scalar(s1), Group.scalar(s2)};
        byte[] ct0 = new byte[3 * Group.G2_BYTES];
        System.arraycopy(Group.encode(Group.mul(pp.h1(), s1).to_affine()), 0, ct0, 0, Group.G2_BYTES);
        System.arraycopy(Group.encode(Group.mul(pp.h2(), s2).to_affine()), 0, ct0, Group.G2_BYTES, Group.G2_BYTES);
        System.arraycopy(
                Group.encode(Group.mul(P2_Affine.generator(), s1.add(s2).mod(n)).to_affine()),
                0,
                ct0,
                2 * Group.G2_BYTES,
                Group.G2_BYTES);
        int rows = m.rowCount();
        byte[] out = new byte[rows * Ciphertext.ROW_BYTES];
        for (int i = 0; i < rows; i++) {
            String y = m.label(i);
            int[] nzCols = m.nonZeroColumns(i);
            BigInteger[] nzVals = m.nonZeroValues(i);
            for (int l = 0; l < 3; l++) {
                P1 acc = null;
                for (int t = 0; t < 2; t++) {
                    P1 q = Group.hashAttribute(y, l, t).to_jacobian();
                    for (int k = 0; k < nzCols.length; k++) {
                        q.add(Group.mulPublic(Group.hashColumn(nzCols[k] + 1, l, t), nzVals[k]));
                    }
                    P1 term = q.mult(s[t]);
                    acc = acc == null ? term : acc.add(term);
                }
                System.arraycopy(
                        Group.encode(acc.to_affine()),
                        0,
                        out,
                        i * Ciphertext.ROW_BYTES + l * Group.G1_BYTES,
                        Group.G1_BYTES);
            }
        }
        Gt key = Gt.pow2(pp.t1(), s1, pp.t2(), s2);
        Ciphertext ct = new Ciphertext(policy, ct0, out, rows);
        return new Encapsulation(ct, deriveKey(key));
    }

    /**
     * Decrypt (as a KEM): recovers the data key if the key's attributes satisfy the ciphertext's
     * policy.
     *
     * @throws DecryptionFailedException if the policy is not satisfied or a group element is invalid
     *     (a wrong key is only detected by the caller's authenticated encryption)
     */
    public SecretBytes decapsulate(UserKey key, Ciphertext ct) throws DecryptionFailedException {
        try {
            Lsss m = ct.policy().spanProgram();
            Lsss.Reconstruction rec = m.reconstruct(key.attributes(), Group.ORDER);
            if (rec == null) {
                throw new DecryptionFailedException();
            }
            P1_Affine[] ps = new P1_Affine[6];
            P2_Affine[] qs = new P2_Affine[6];
            for (int l = 0; l < 3; l++) {
                P1 sumC = null;
                P1 sumK = key.kPrime(l).to_jacobian();
                for (int idx = 0; idx < rec.rows().length; idx++) {
                    int i = rec.rows()[idx];
                    BigInteger gamma = rec.coefficients()[idx];
                    P1_Affine c = Group.decodeG1OnCurve(ct.row(i, l));
                    P1_Affine k = key.attributeKey(m.label(i))[l];
                    P1 cTerm = gamma.equals(BigInteger.ONE)
                            ? c.to_jacobian()
                            : c.to_jacobian().mult(gamma);
                    sumC = sumC == null ? cTerm : sumC.add(cTerm);
                    sumK = gamma.equals(BigInteger.ONE)
                            ? sumK.add(k)
                            : sumK.add(k.to_jacobian().mult(gamma));
                }
                P1_Affine sc = sumC.to_affine();
                if (!sc.in_group()) {
                    throw new DecryptionFailedException();
                }
                // key = prod_l e(sk'_l + sum K_l, ct0_l) * e(sum C_l, -sk0_l)
                ps[2 * l] = sumK.to_affine();
                qs[2 * l] = Group.decodeG2Checked(ct.ct0(l));
                ps[2 * l + 1] = sc;
                qs[2 * l + 1] = key.k0Negated(l);
            }
            return deriveKey(Group.pairingProduct(ps, qs));
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException();
        }
    }

    private static SecretBytes deriveKey(Gt element) {
        return SecretBytes.copyFrom(Sha256.hash(KEM_LABEL, element.toBytes()), InsecureSecretKeyAccess.get());
    }
}
