package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CidTest {
    /** Known value (FACTS.md; ipfs add --cid-version 1 --raw-leaves of "hello world"). */
    private static final String HELLO = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";

    @Test
    void helloWorldKnownValue() {
        Cid cid = Cid.of("hello world".getBytes(StandardCharsets.US_ASCII));
        assertEquals(HELLO, cid.toString());
        assertEquals(cid, Cid.parse(HELLO));
        assertArrayEquals(cid.toBytes(), Cid.fromBytes(cid.toBytes()).toBytes());
        assertEquals(36, cid.toBytes().length);
        assertEquals(0x01, cid.toBytes()[0]);
        assertEquals(0x55, cid.toBytes()[1]);
        assertEquals(0x12, cid.toBytes()[2]);
        assertEquals(0x20, cid.toBytes()[3]);
        assertTrue(cid.matches("hello world".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(cid.matches("hello worle".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void emptyAndRangeHashing() {
        byte[] buf = "xxhello worldyy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(HELLO, Cid.of(buf, 2, 11).toString());
        assertNotEquals(Cid.of(new byte[0]), Cid.of(new byte[1]));
        assertEquals(Cid.of(new byte[0]), Cid.parse(Cid.of(new byte[0]).toString()));
    }

    @Test
    void refusesMalformed() {
        assertThrows(IllegalArgumentException.class, () -> Cid.parse(HELLO.toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> Cid.parse("z" + HELLO.substring(1)));
        assertThrows(IllegalArgumentException.class, () -> Cid.parse(HELLO.substring(0, 58)));
        assertThrows(IllegalArgumentException.class, () -> Cid.parse(HELLO + "a"));
        assertThrows(IllegalArgumentException.class, () -> Cid.parse(HELLO.substring(0, 58) + "1"));
        // last character carries 2 padding bits that must be zero: 'e' -> 'f' is non-canonical
        assertThrows(IllegalArgumentException.class, () -> Cid.parse(HELLO.substring(0, 58) + "f"));
        // dag-pb codec (0x70) instead of raw
        byte[] b = Cid.parse(HELLO).toBytes();
        b[1] = 0x70;
        assertThrows(IllegalArgumentException.class, () -> Cid.fromBytes(b));
        assertThrows(IllegalArgumentException.class, () -> Cid.fromBytes(new byte[35]));
        assertThrows(IllegalArgumentException.class, () -> Cid.fromDigest(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> Cid.parse(null));
    }
}
