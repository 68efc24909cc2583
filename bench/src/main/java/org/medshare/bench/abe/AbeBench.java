package org.medshare.bench.abe;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Ciphertext;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.Encapsulation;
import org.medshare.abe.MasterKey;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.SecretBytes;
import org.medshare.abe.Suite;
import org.medshare.abe.UserKey;
import org.medshare.abe.internal.Group;
import org.medshare.abe.internal.Gt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import supranational.blst.P1_Affine;
import supranational.blst.P2_Affine;

/**
 * FAME keygen / encrypt (KEM encapsulation) / decrypt (decapsulation) for an AND policy of
 * {@code attributes} attributes and a key holding all of them (every row is used in decryption), and
 * in the same run the bare operation-count floor of each:
 * <ul>
 *   <li>keygen: 9(n+1) G1 and 3 G2 constant-time exponentiations;</li>
 *   <li>encrypt: 6n G1 and 3 G2 exponentiations plus one joint GT exponentiation {@code T1^s1 T2^s2};</li>
 *   <li>decrypt: six Miller loops and one final exponentiation (a 6-pairing product).</li>
 * </ul>
 * Attribute and column hashes (public, deterministic) are cached by the implementation, so after the
 * first operation no hashing is left in any of the three; the floors therefore contain none. The
 * floors use precomputed scalars (the real operations also draw their randomness).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class AbeBench {
    @Param({"2", "10", "30"})
    public int attributes;

    private AbeScheme scheme;
    private MasterKey msk;
    private PublicParameters pp;
    private Policy policy;
    private List<String> attrs;
    private UserKey key;
    private Ciphertext ciphertext;
    private final SecureRandom random = new SecureRandom();

    private P1_Affine[] g1Bases;
    private P2_Affine g2Base;
    private Gt t1;
    private Gt t2;
    private P1_Affine[] pairP;
    private BigInteger[] scalars;
    private P2_Affine[] pairQ;

    @Setup
    public void setUp() {
        scheme = AbeScheme.create();
        msk = scheme.setup(Suite.NIST);
        pp = msk.publicParameters();
        attrs = new ArrayList<>();
        for (int i = 0; i < attributes; i++) {
            attrs.add("attr:a" + i);
        }
        policy = Policy.parse(String.join(" AND ", attrs));
        key = scheme.keygen(msk, attrs);
        ciphertext = scheme.encapsulate(pp, policy).ciphertext();

        g1Bases = new P1_Affine[8];
        for (int i = 0; i < g1Bases.length; i++) {
            g1Bases[i] =
                    Group.mul(P1_Affine.generator(), Group.randomScalar(random)).to_affine();
        }
        g2Base = Group.mul(P2_Affine.generator(), Group.randomScalar(random)).to_affine();
        t1 = Group.pair(g1Bases[0], g2Base);
        t2 = Group.pair(g1Bases[1], g2Base);
        scalars = new BigInteger[64];
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = Group.randomScalar(random);
        }
        pairP = new P1_Affine[6];
        pairQ = new P2_Affine[6];
        for (int i = 0; i < 6; i++) {
            pairP[i] = g1Bases[i];
            pairQ[i] =
                    Group.mul(P2_Affine.generator(), Group.randomScalar(random)).to_affine();
        }
    }

    @Benchmark
    public UserKey keygen() {
        return scheme.keygen(msk, attrs);
    }

    @Benchmark
    public Object keygenFloor() {
        Object last = null;
        int g1 = 9 * (attributes + 1);
        for (int i = 0; i < g1; i++) {
            last = Group.mul(g1Bases[i & 7], scalars[i & 63]);
        }
        for (int i = 0; i < 3; i++) {
            last = Group.mul(g2Base, scalars[(i + 7) & 63]);
        }
        return last;
    }

    @Benchmark
    public Encapsulation encrypt() {
        return scheme.encapsulate(pp, policy);
    }

    @Benchmark
    public Object encryptFloor() {
        Object last = null;
        for (int i = 0; i < 3; i++) {
            last = Group.mul(g2Base, scalars[(i + 7) & 63]);
        }
        int g1 = 6 * attributes;
        for (int i = 0; i < g1; i++) {
            last = Group.mul(g1Bases[i & 7], scalars[i & 63]);
        }
        return Gt.pow2(t1, scalars[1], t2, scalars[2]).toBytes().length + last.hashCode();
    }

    @Benchmark
    public SecretBytes decrypt() throws DecryptionFailedException {
        return scheme.decapsulate(key, ciphertext);
    }

    @Benchmark
    public Gt decryptFloor() {
        return Group.pairingProduct(pairP, pairQ);
    }
}
