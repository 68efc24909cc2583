package org.medshare.enclave;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncodingTest {
    @Test
    void configRoundTripsAndItsIdIgnoresMapOrder() throws Exception {
        EnclaveConfig a = EnclaveConfig.release(Map.of("b", "2", "a", "1"));
        EnclaveConfig b = EnclaveConfig.parse(a.toBytes());
        assertArrayEquals(a.configId(), b.configId());
        assertEquals(a.settings(), b.settings());
        assertFalse(b.debug());
        assertTrue(EnclaveConfig.parse(EnclaveConfig.debug(Map.of()).toBytes()).debug());
        assertFalse(Arrays.equals(
                a.configId(), EnclaveConfig.release(Map.of("a", "1", "b", "3")).configId()));
    }

    @Test
    void configRefusesUnknownVersionsDuplicatesAndTrailingBytes() {
        byte[] good = EnclaveConfig.release(Map.of("k", "v")).toBytes();
        byte[] version = good.clone();
        version[0] = 2;
        assertThrows(MalformedEncodingException.class, () -> EnclaveConfig.parse(version));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(MalformedEncodingException.class, () -> EnclaveConfig.parse(trailing));
        byte[] dup = new WireWriter()
                .u8(1)
                .u8(0)
                .i32(2)
                .utf8("k")
                .utf8("v")
                .utf8("k")
                .utf8("w")
                .toByteArray();
        assertThrows(MalformedEncodingException.class, () -> EnclaveConfig.parse(dup));
        byte[] debugFlag = good.clone();
        debugFlag[1] = 7;
        assertThrows(MalformedEncodingException.class, () -> EnclaveConfig.parse(debugFlag));
    }

    @Test
    void identityRoundTripsAndRefusesBadInput() throws Exception {
        EnclaveIdentity id = new EnclaveIdentity(
                Sha256.hash(new byte[] {1}), Sha256.hash(new byte[] {2}), Sha256.hash(new byte[] {3}), 9, 4, false);
        assertEquals(id, EnclaveIdentity.parse(id.toBytes()));
        assertTrue(id.toString().contains("SIMULATED"));
        assertThrows(MalformedEncodingException.class, () -> EnclaveIdentity.parse(Arrays.copyOf(id.toBytes(), 50)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new EnclaveIdentity(new byte[31], new byte[32], new byte[32], 0, 0, false));
        assertThrows(
                IllegalArgumentException.class,
                () -> new EnclaveIdentity(new byte[32], new byte[32], new byte[32], 70000, 0, false));
    }

    @Test
    void readerRefusesNegativeAndOversizedLengthsAndInvalidUtf8() {
        assertThrows(
                MalformedEncodingException.class,
                () -> new WireReader(new WireWriter().i32(-1).toByteArray()).bytes());
        assertThrows(
                MalformedEncodingException.class,
                () -> new WireReader(new WireWriter().i32(100).u8(1).toByteArray()).bytes());
        byte[] badUtf8 = new WireWriter().bytes(new byte[] {(byte) 0xC3, 0x28}).toByteArray();
        assertThrows(MalformedEncodingException.class, () -> new WireReader(badUtf8).utf8());
    }
}
