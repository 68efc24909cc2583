package org.medshare.store.erasure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReedSolomonTest {

    /** Naive oracle: parity[i][p] = sum_j C[i][j] * data[j][p], straight from the definition. */
    private static byte[][] naiveParity(int k, int n, byte[][] data, int len) {
        byte[][] parity = new byte[n - k][len];
        for (int i = 0; i < n - k; i++) {
            for (int j = 0; j < k; j++) {
                int c = Gf256.inv((k + i) ^ j);
                for (int p = 0; p < len; p++) {
                    parity[i][p] ^= (byte) Gf256.mul(c, data[j][p] & 0xFF);
                }
            }
        }
        return parity;
    }

    @Test
    void fieldAxioms() {
        for (int a = 1; a < 256; a++) {
            assertEquals(1, Gf256.mul(a, Gf256.inv(a)), "a * a^-1 for a=" + a);
            assertEquals(a, Gf256.mul(a, 1));
            assertEquals(0, Gf256.mul(a, 0));
            for (int b = 0; b < 256; b += 17) {
                assertEquals(Gf256.mul(a, b), Gf256.mul(b, a));
                if (b != 0) {
                    assertEquals(a, Gf256.mul(Gf256.div(a, b), b));
                }
            }
        }
        assertEquals(0x1D, Gf256.mul(0x80, 2), "x^8 reduces by 0x11D");
        assertEquals(Gf256.mul(Gf256.mul(7, 7), 7), Gf256.pow(7, 3));
        assertThrows(ArithmeticException.class, () -> Gf256.inv(0));
    }

    @Test
    void encodeMatchesNaiveOracleAndDecodesEveryErasureOfRs42() {
        Random rnd = new Random(42);
        int k = 4;
        int n = 6;
        ReedSolomon rs = ReedSolomon.create(k, n);
        int len = 3001;
        byte[][] shards = new byte[n][len];
        for (int j = 0; j < k; j++) {
            rnd.nextBytes(shards[j]);
        }
        rs.encode(shards, 0, len);
        byte[][] parity = naiveParity(k, n, shards, len);
        for (int i = 0; i < n - k; i++) {
            assertArrayEquals(parity[i], shards[k + i], "parity " + i);
        }
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                byte[][] copy = deepCopy(shards);
                boolean[] present = new boolean[n];
                Arrays.fill(present, true);
                present[a] = false;
                present[b] = false;
                Arrays.fill(copy[a], (byte) 0x5A);
                Arrays.fill(copy[b], (byte) 0xA5);
                rs.decode(copy, present, 0, len);
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(shards[i], copy[i], "erased " + a + "," + b + " shard " + i);
                }
            }
        }
    }

    @Test
    void randomCodesRandomErasuresRandomLengths() {
        Random rnd = new Random(20261125);
        int[] fixedLengths = {0, 1, 2, 7, 8, 9, 2047, 2048, 2049, 4100};
        for (int trial = 0; trial < 300; trial++) {
            int k = 1 + rnd.nextInt(trial % 10 == 0 ? 60 : 16);
            int n = k + 1 + rnd.nextInt(Math.min(255 - k, trial % 10 == 0 ? 40 : 12));
            int len = trial < fixedLengths.length ? fixedLengths[trial] : rnd.nextInt(5000);
            int offset = rnd.nextInt(3);
            ReedSolomon rs = ReedSolomon.create(k, n);
            byte[][] shards = new byte[n][offset + len + rnd.nextInt(3)];
            for (int j = 0; j < k; j++) {
                rnd.nextBytes(shards[j]);
            }
            rs.encode(shards, offset, len);
            byte[][] original = deepCopy(shards);
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, rnd);
            int erase = n - k - (trial % 3 == 0 ? rnd.nextInt(n - k + 1) : 0);
            boolean[] present = new boolean[n];
            Arrays.fill(present, true);
            for (int e = 0; e < erase; e++) {
                present[idx.get(e)] = false;
                Arrays.fill(shards[idx.get(e)], offset, offset + len, (byte) rnd.nextInt());
            }
            rs.decode(shards, present, offset, len);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(
                        Arrays.copyOfRange(original[i], offset, offset + len),
                        Arrays.copyOfRange(shards[i], offset, offset + len),
                        "trial " + trial + " RS(" + k + "," + n + ") len " + len + " shard " + i);
            }
        }
    }

    @Test
    void largestCode() {
        ReedSolomon rs = ReedSolomon.create(200, 255);
        Random rnd = new Random(7);
        byte[][] shards = new byte[255][64];
        for (int j = 0; j < 200; j++) {
            rnd.nextBytes(shards[j]);
        }
        rs.encode(shards, 0, 64);
        byte[][] original = deepCopy(shards);
        boolean[] present = new boolean[255];
        Arrays.fill(present, true);
        for (int i = 0; i < 55; i++) {
            int victim = i * 4;
            present[victim] = false;
            Arrays.fill(shards[victim], (byte) 0);
        }
        rs.decode(shards, present, 0, 64);
        for (int i = 0; i < 255; i++) {
            assertArrayEquals(original[i], shards[i]);
        }
    }

    @Test
    void refusesBadParametersAndTooFewShards() {
        assertThrows(IllegalArgumentException.class, () -> ReedSolomon.create(0, 2));
        assertThrows(IllegalArgumentException.class, () -> ReedSolomon.create(4, 4));
        assertThrows(IllegalArgumentException.class, () -> ReedSolomon.create(4, 256));
        ReedSolomon rs = ReedSolomon.create(4, 6);
        assertThrows(IllegalArgumentException.class, () -> rs.encode(new byte[5][10], 0, 10));
        assertThrows(IllegalArgumentException.class, () -> rs.encode(new byte[6][10], 0, 11));
        assertThrows(IllegalArgumentException.class, () -> rs.encode(new byte[6][10], -1, 5));
        byte[][] shards = new byte[6][10];
        boolean[] present = {true, true, true, false, false, false};
        byte[][] before = deepCopy(shards);
        assertThrows(IllegalArgumentException.class, () -> rs.decode(shards, present, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> rs.decode(shards, new boolean[5], 0, 10));
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(before[i], shards[i], "refused decode changed nothing");
        }
    }

    private static byte[][] deepCopy(byte[][] a) {
        byte[][] c = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
