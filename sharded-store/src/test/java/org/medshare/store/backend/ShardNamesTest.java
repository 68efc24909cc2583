package org.medshare.store.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.medshare.store.Cid;

class ShardNamesTest {
    private static final Cid HELLO = Cid.of("hello world".getBytes(StandardCharsets.US_ASCII));

    @Test
    void aShardSitsInTheDirectoryOfItsLastTwoCharacters() {
        assertEquals("5e", ShardNames.directoryOf(HELLO));
    }

    @Test
    void temporariesAreFreshAndNeverShards() {
        String a = ShardNames.temporaryFor(HELLO.toString());
        String b = ShardNames.temporaryFor(HELLO.toString());
        assertNotEquals(a, b);
        assertTrue(a.startsWith(HELLO + "."));
        assertTrue(ShardNames.isTemporary(a));
        assertEquals(Optional.empty(), ShardNames.shardOf(a));
    }

    @Test
    void onlyCanonicalCidNamesAreShards() {
        assertEquals(Optional.of(HELLO), ShardNames.shardOf(HELLO.toString()));
        assertFalse(ShardNames.isTemporary(HELLO.toString()));
        assertEquals(Optional.empty(), ShardNames.shardOf("README"));
        assertEquals(Optional.empty(), ShardNames.shardOf(HELLO.toString().toUpperCase()));
        assertEquals(Optional.empty(), ShardNames.shardOf(""));
    }
}
