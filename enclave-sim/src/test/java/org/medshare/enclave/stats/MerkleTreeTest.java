package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.Sha256;

class MerkleTreeTest {
    private static byte[] leaf(String s) {
        return Sha256.hash(new byte[] {0}, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] node(byte[] l, byte[] r) {
        return Sha256.hash(new byte[] {1}, l, r);
    }

    @Test
    void followsRfc9162Structure() {
        assertEquals(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(MerkleTree.rootOf(List.of())));
        assertArrayEquals(leaf("a"), MerkleTree.rootOf(List.of("a")));
        assertArrayEquals(node(leaf("a"), leaf("b")), MerkleTree.rootOf(List.of("b", "a")), "sorted first");
        assertArrayEquals(
                node(node(leaf("a"), leaf("b")), leaf("c")),
                MerkleTree.rootOf(List.of("c", "a", "b", "a")),
                "distinct, split at largest power of two < n");
        assertArrayEquals(
                node(node(node(leaf("a"), leaf("b")), node(leaf("c"), leaf("d"))), leaf("e")),
                MerkleTree.rootOf(List.of("a", "b", "c", "d", "e")));
    }
}
