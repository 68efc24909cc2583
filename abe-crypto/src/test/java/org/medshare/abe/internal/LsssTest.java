package org.medshare.abe.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medshare.abe.Policy;
import org.medshare.abe.TestPolicies;

class LsssTest {
    private static final BigInteger R = Group.ORDER;

    /** Checks sum gamma_i * M_i == (1, 0, ..., 0) mod r using only rows the set may use. */
    private static void assertReconstructs(Lsss m, Lsss.Reconstruction rec, Set<String> attrs) {
        BigInteger[] acc = new BigInteger[m.columnCount()];
        Arrays.fill(acc, BigInteger.ZERO);
        for (int k = 0; k < rec.rows().length; k++) {
            int i = rec.rows()[k];
            assertTrue(attrs.contains(m.label(i)), "row of an attribute not held");
            for (int j = 0; j < m.columnCount(); j++) {
                acc[j] = acc[j].add(rec.coefficients()[k].multiply(m.entry(i, j)))
                        .mod(R);
            }
        }
        assertEquals(BigInteger.ONE, acc[0]);
        for (int j = 1; j < acc.length; j++) {
            assertEquals(BigInteger.ZERO, acc[j], "column " + j);
        }
    }

    @Test
    void lewkoWatersShapes() {
        Lsss and = Policy.parse("a:1 AND b:2 AND c:3").spanProgram();
        assertEquals(3, and.rowCount());
        assertEquals(3, and.columnCount());
        // rows (1,1,0), (0,-1,1), (0,0,-1)
        assertEquals("1 1 0|0 -1 1|0 0 -1", dump(and));
        Lsss or = Policy.parse("a:1 OR b:2").spanProgram();
        assertEquals("1|1", dump(or));
        Lsss thr = Policy.parse("2 of (a:1, b:2, c:3)").spanProgram();
        assertEquals("1 1|1 2|1 3", dump(thr));
    }

    static String dump(Lsss m) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < m.rowCount(); i++) {
            if (i > 0) {
                sb.append('|');
            }
            for (int j = 0; j < m.columnCount(); j++) {
                sb.append(j > 0 ? " " : "").append(m.entry(i, j));
            }
        }
        return sb.toString();
    }

    @Test
    void reconstructionExistsIffSatisfiedOnRandomPolicies() {
        Random r = new Random(2017_807);
        int satisfied = 0;
        for (int i = 0; i < 2000; i++) {
            Policy p = Policy.parse(TestPolicies.expression(r, 4));
            Set<String> attrs = TestPolicies.attributeSet(r);
            Lsss m = p.spanProgram();
            Lsss.Reconstruction rec = m.reconstruct(attrs, R);
            assertEquals(p.isSatisfiedBy(attrs), rec != null, p + " with " + attrs);
            if (rec != null) {
                satisfied++;
                assertReconstructs(m, rec, attrs);
            }
        }
        assertTrue(satisfied > 200 && satisfied < 1800, "generator covers both outcomes: " + satisfied);
    }
}
