package org.medshare.abe.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.apache.milagro.amcl.BLS381.BIG;
import org.apache.milagro.amcl.BLS381.ECP;
import org.apache.milagro.amcl.BLS381.ECP2;
import org.apache.milagro.amcl.BLS381.FP12;
import org.apache.milagro.amcl.BLS381.FP2;
import org.apache.milagro.amcl.BLS381.FP4;
import org.apache.milagro.amcl.BLS381.PAIR;
import org.junit.jupiter.api.Test;
import supranational.blst.P1;
import supranational.blst.P1_Affine;
import supranational.blst.P2;
import supranational.blst.P2_Affine;

/**
 * Cross-checks jblst group arithmetic, pairings and our GT code against Apache Milagro (pure Java,
 * independent code base) on random inputs from a fixed seed.
 */
class MilagroCrossCheckTest {
    private static final Random RND = new Random(20171807);

    static BigInteger big(BIG b) {
        byte[] o = new byte[48];
        b.toBytes(o);
        return new BigInteger(1, o);
    }

    static BIG big(BigInteger x) {
        byte[] raw = x.toByteArray();
        byte[] o = new byte[48];
        int len = Math.min(raw.length, 48);
        System.arraycopy(raw, raw.length - len, o, 48 - len, len);
        return BIG.fromBytes(o);
    }

    static BigInteger coord(byte[] enc, int i) {
        return new BigInteger(1, Arrays.copyOfRange(enc, 48 * i, 48 * i + 48));
    }

    /**
     * Milagro's Fp12 = Fp4^3 (a + b z + c z^2, Fp4 = Fp2[s]) and blst's Fp12 = Fp6[w] are the same
     * field with w = z, s = w^3: blst's coefficient of w^k in Milagro's layout.
     */
    static byte[] gtBytes(FP12 m) {
        FP4[] f4 = {m.geta(), m.getb(), m.getc()};
        FP2[] byPower = new FP2[6];
        for (int i = 0; i < 3; i++) {
            byPower[i] = f4[i].geta(); // w^0, w^1, w^2
            byPower[i + 3] = f4[i].getb(); // w^3, w^4, w^5
        }
        byte[] out = new byte[Gt.BYTES];
        int k = 0;
        for (FP2 c : byPower) {
            for (BIG part : new BIG[] {c.getA(), c.getB()}) {
                byte[] tmp = new byte[48];
                part.toBytes(tmp);
                System.arraycopy(tmp, 0, out, 48 * k++, 48);
            }
        }
        return out;
    }

    static BigInteger scalar() {
        return new BigInteger(255, RND).mod(Group.ORDER);
    }

    @Test
    void g1AndG2ScalarMultiplicationAgree() {
        for (int i = 0; i < 8; i++) {
            BigInteger a = scalar();
            byte[] b1 = P1.generator().mult(a).to_affine().serialize();
            ECP m1 = ECP.generator().mul(big(a));
            m1.affine();
            assertEquals(big(m1.getX()), coord(b1, 0));
            assertEquals(big(m1.getY()), coord(b1, 1));

            byte[] b2 = P2.generator().mult(a).to_affine().serialize();
            ECP2 m2 = ECP2.generator().mul(big(a));
            m2.affine();
            // ZCash encoding: x.c1 | x.c0 | y.c1 | y.c0
            assertEquals(big(m2.getX().getB()), coord(b2, 0));
            assertEquals(big(m2.getX().getA()), coord(b2, 1));
            assertEquals(big(m2.getY().getB()), coord(b2, 2));
            assertEquals(big(m2.getY().getA()), coord(b2, 3));
        }
    }

    @Test
    void pairingsAndGtExponentiationAgree() {
        for (int i = 0; i < 4; i++) {
            BigInteger a = scalar();
            BigInteger b = scalar();
            BigInteger c = scalar();
            P1_Affine p = P1.generator().mult(a).to_affine();
            P2_Affine q = P2.generator().mult(b).to_affine();
            Gt ours = Group.pair(p, q);
            ECP mp = ECP.generator().mul(big(a));
            ECP2 mq = ECP2.generator().mul(big(b));
            FP12 theirs = PAIR.fexp(PAIR.ate(mq, mp));
            assertArrayEquals(gtBytes(theirs), ours.toBytes(), "pairing");

            FP12 theirsPow = PAIR.GTpow(theirs, big(c));
            assertArrayEquals(gtBytes(theirsPow), ours.pow(c).toBytes(), "GT exponentiation");

            BigInteger d = scalar();
            Gt other = Group.pair(P1_Affine.generator(), q);
            FP12 theirOther = PAIR.fexp(PAIR.ate(mq, ECP.generator()));
            FP12 prod = PAIR.GTpow(theirs, big(c));
            prod.mul(PAIR.GTpow(theirOther, big(d)));
            assertArrayEquals(gtBytes(prod), Gt.pow2(ours, c, other, d).toBytes(), "double exponentiation");

            // deserialising Milagro's value gives an element equal to ours
            assertTrue(Gt.fromBytes(gtBytes(theirs)).isEqual(ours));

            // product of Miller loops with one final exponentiation
            Gt product = Group.pairingProduct(new P1_Affine[] {p, P1_Affine.generator()}, new P2_Affine[] {q, q});
            FP12 mprod = PAIR.fexp(PAIR.ate2(mq, mp, mq, ECP.generator()));
            assertArrayEquals(gtBytes(mprod), product.toBytes(), "pairing product");
        }
    }
}
