package org.medshare.abe.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import supranational.blst.P1_Affine;
import supranational.blst.P2_Affine;

class GtTest {
    private static final Gt E = Group.pair(P1_Affine.generator(), P2_Affine.generator());

    @Test
    void powMatchesRepeatedMultiplicationAndBilinearity() {
        Gt acc = Gt.one();
        for (int i = 0; i <= 20; i++) {
            assertTrue(E.pow(BigInteger.valueOf(i)).isEqual(acc), "e^" + i);
            acc = acc.mul(E);
        }
        assertTrue(E.pow(Group.ORDER.subtract(BigInteger.ONE)).mul(E).isOne(), "order r");
        Random r = new Random(5);
        for (int i = 0; i < 3; i++) {
            BigInteger a = new BigInteger(255, r).mod(Group.ORDER);
            Gt viaPairing = Group.pair(Group.mul(P1_Affine.generator(), a).to_affine(), P2_Affine.generator());
            assertTrue(E.pow(a).isEqual(viaPairing));
        }
        assertThrows(IllegalArgumentException.class, () -> E.pow(BigInteger.ONE.shiftLeft(256)));
        assertThrows(IllegalArgumentException.class, () -> E.pow(BigInteger.valueOf(-1)));
    }

    @Test
    void serialisationRoundTripsAndRefusesBadInput() {
        byte[] b = E.toBytes();
        assertEquals(Gt.BYTES, b.length);
        assertTrue(Gt.fromBytes(b).isEqual(E));
        assertArrayEquals(b, Gt.fromBytes(b).toBytes());
        assertThrows(IllegalArgumentException.class, () -> Gt.fromBytes(new byte[Gt.BYTES - 1]));
        // coefficient equal to p (not reduced)
        byte[] unreduced = b.clone();
        byte[] p = new BigInteger(
                        "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
                        16)
                .toByteArray();
        System.arraycopy(p, p.length - 48, unreduced, 0, 48);
        assertThrows(IllegalArgumentException.class, () -> Gt.fromBytes(unreduced));
        // a random Fp12 element is not in the order-r subgroup
        Random r = new Random(9);
        for (int i = 0; i < 5; i++) {
            byte[] junk = b.clone();
            junk[100 + i] ^= (byte) (1 + r.nextInt(255));
            assertThrows(IllegalArgumentException.class, () -> Gt.fromBytes(junk));
        }
        // zero is not in the group
        assertThrows(IllegalArgumentException.class, () -> Gt.fromBytes(new byte[Gt.BYTES]));
    }
}
