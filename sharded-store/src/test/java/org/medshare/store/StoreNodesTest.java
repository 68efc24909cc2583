package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.store.backend.LocalDirectoryBackend;

class StoreNodesTest {
    private static final byte[] DATA = {1, 2, 3};
    private static final Cid CID = Cid.of(DATA);

    @TempDir
    Path tmp;

    private FaultyBackend backend(String name) {
        return new FaultyBackend(new LocalDirectoryBackend(tmp.resolve(name)));
    }

    @Test
    void nodeIdsMustBeUniqueAndKeepTheirOrder() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new StoreNodes(
                        List.of(new StorageNode("a", "d1", backend("a")), new StorageNode("a", "d2", backend("b"))),
                        3));
        StoreNodes nodes = new StoreNodes(
                List.of(new StorageNode("z", "d", backend("z")), new StorageNode("a", "d", backend("a"))), 3);
        assertEquals(List.of("z", "a"), nodes.ids());
        assertEquals(null, nodes.get("missing"));
    }

    @Test
    void consecutiveFailuresMarkANodeDownAndASuccessResetsThem() throws IOException {
        FaultyBackend flaky = backend("flaky");
        StorageNode node = new StorageNode("flaky", "d", flaky);
        StoreNodes nodes = new StoreNodes(List.of(node, new StorageNode("ok", "d", backend("ok"))), 2);
        flaky.failEverything(true);
        assertFalse(nodes.write(node, CID, DATA, DATA.length));
        flaky.failEverything(false);
        assertTrue(nodes.write(node, CID, DATA, DATA.length));
        assertEquals(0, nodes.health().consecutiveFailures("flaky"), "a success resets the count");
        flaky.failEverything(true);
        assertThrows(IOException.class, () -> nodes.read(node, CID));
        assertTrue(nodes.isUp("flaky"));
        assertThrows(IOException.class, () -> nodes.exists(node, CID));
        assertFalse(nodes.isUp("flaky"), "down after two failures in a row");
        assertEquals(
                List.of("ok"),
                nodes.upExcept(Set.of()).stream().map(StorageNode::id).toList());
        assertEquals(List.of(), nodes.upExcept(Set.of("ok")));
    }

    @Test
    void aDownNodeComesBackOnlyWhenAProbeReachesIt() throws IOException {
        FaultyBackend flaky = backend("flaky");
        StorageNode node = new StorageNode("flaky", "d", flaky);
        StoreNodes nodes = new StoreNodes(List.of(node), 1);
        flaky.failEverything(true);
        assertFalse(nodes.write(node, CID, DATA, DATA.length));
        assertEquals(Set.of(), nodes.probe(), "still unreachable");
        assertFalse(nodes.isUp("flaky"));
        flaky.failEverything(false);
        assertEquals(Set.of("flaky"), nodes.probe());
        assertTrue(nodes.isUp("flaky"));
    }

    @Test
    void readsReportAbsentShardsAsEmpty() throws IOException {
        StorageNode node = new StorageNode("n", "d", backend("n"));
        StoreNodes nodes = new StoreNodes(List.of(node), 1);
        assertEquals(Optional.empty(), nodes.read(node, CID));
        assertFalse(nodes.exists(node, CID));
        assertTrue(nodes.write(node, CID, DATA, DATA.length));
        assertArrayEquals(DATA, nodes.read(node, CID).orElseThrow());
        assertTrue(nodes.exists(node, CID));
    }
}
