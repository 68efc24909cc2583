package org.medshare.store.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medshare.store.Cid;
import org.medshare.store.PatternStream;

/** The contract every {@link ShardBackend} passes; one subclass per backend. */
abstract class ShardBackendContractTest {
    private ShardBackend backend;

    /** A fresh, empty backend for one test. */
    protected abstract ShardBackend newBackend() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        backend = newBackend();
    }

    @AfterEach
    void tearDown() throws IOException {
        backend.close();
    }

    @Test
    void putGetExistsListDelete() throws IOException {
        byte[] a = PatternStream.bytes(1, 5000);
        byte[] b = PatternStream.bytes(2, 1);
        Cid ca = Cid.of(a);
        Cid cb = Cid.of(b);
        assertTrue(backend.list().isEmpty());
        assertFalse(backend.exists(ca));
        assertTrue(backend.get(ca).isEmpty());
        backend.put(ca, a, 0, a.length);
        backend.put(cb, b, 0, b.length);
        assertArrayEquals(a, backend.get(ca).orElseThrow());
        assertArrayEquals(b, backend.get(cb).orElseThrow());
        assertTrue(backend.exists(ca));
        assertEquals(Set.of(ca, cb), backend.list());
        assertTrue(backend.delete(ca));
        assertFalse(backend.delete(ca), "second delete reports absence");
        assertFalse(backend.exists(ca));
        assertTrue(backend.get(ca).isEmpty());
        assertEquals(Set.of(cb), backend.list());
    }

    @Test
    void storesARangeAndEmptyShardsAndOverwrites() throws IOException {
        byte[] buf = PatternStream.bytes(3, 1000);
        Cid range = Cid.of(buf, 100, 300);
        backend.put(range, buf, 100, 300);
        assertArrayEquals(Arrays.copyOfRange(buf, 100, 400), backend.get(range).orElseThrow());
        Cid empty = Cid.of(new byte[0]);
        backend.put(empty, new byte[0], 0, 0);
        assertTrue(backend.exists(empty));
        assertEquals(0, backend.get(empty).orElseThrow().length);
        byte[] other = PatternStream.bytes(4, 300);
        backend.put(range, other, 0, other.length);
        assertArrayEquals(other, backend.get(range).orElseThrow(), "a put replaces the stored bytes");
        assertThrows(IndexOutOfBoundsException.class, () -> backend.put(range, buf, 900, 200));
    }

    @Test
    void largeShard() throws IOException {
        byte[] big = PatternStream.bytes(5, 3 << 20);
        Cid cid = Cid.of(big);
        backend.put(cid, big, 0, big.length);
        assertArrayEquals(big, backend.get(cid).orElseThrow());
    }
}
