package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.store.backend.LocalDirectoryBackend;
import org.medshare.store.erasure.ReedSolomon;

class RecordReaderTest {
    private static final byte[] RECORD = {1, 2, 3, 4, 5, 6, 7, 8};

    @TempDir
    Path tmp;

    private final List<StorageNode> nodeList = new ArrayList<>();
    private IoPool pool;
    private RecordReader reader;

    @BeforeEach
    void open() {
        for (int i = 0; i < 3; i++) {
            nodeList.add(new StorageNode("n" + i, "d" + i, new LocalDirectoryBackend(tmp.resolve("n" + i))));
        }
        pool = new IoPool(2);
        reader = new RecordReader(new StoreNodes(nodeList, 3), pool);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    /** Stores {@code content} (8 bytes) as one RS(2,3) stripe of 4-byte shards, shard i on node i. */
    private Manifest store(Cid recordCid, byte[] content) throws IOException {
        byte[][] shards = {Arrays.copyOfRange(content, 0, 4), Arrays.copyOfRange(content, 4, 8), new byte[4]};
        ReedSolomon.create(2, 3).encode(shards, 0, 4);
        List<Manifest.ShardRef> stripe = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Cid cid = Cid.of(shards[i]);
            nodeList.get(i).backend().put(cid, shards[i], 0, 4);
            stripe.add(new Manifest.ShardRef(cid, "n" + i));
        }
        return new Manifest(recordCid, content.length, 2, 3, 4, List.of(stripe));
    }

    private byte[] read(Manifest m) throws IOException {
        try (InputStream in = reader.open(m)) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsAWholeRecord() throws IOException {
        assertArrayEquals(RECORD, read(store(Cid.of(RECORD), RECORD)));
        assertEquals(0, reader.suspectCount());
    }

    @Test
    void decodesAroundACorruptShardAndRemembersTheRecord() throws IOException {
        Manifest m = store(Cid.of(RECORD), RECORD);
        Manifest.ShardRef first = m.stripe(0).get(0);
        nodeList.get(0).backend().put(first.cid(), new byte[] {9, 9, 9, 9}, 0, 4);
        assertArrayEquals(RECORD, read(m));
        assertEquals(1, reader.corruptShardsRead());
        assertEquals(Set.of(m.recordCid()), reader.suspects());
        reader.clearSuspects(Set.of(m.recordCid()));
        assertEquals(0, reader.suspectCount());
    }

    @Test
    void fewerThanKGoodShardsIsAnIoException() throws IOException {
        Manifest m = store(Cid.of(RECORD), RECORD);
        nodeList.get(0).backend().delete(m.stripe(0).get(0).cid());
        nodeList.get(2).backend().delete(m.stripe(0).get(2).cid());
        IOException e = assertThrows(IOException.class, () -> read(m));
        assertTrue(e.getMessage().contains("only 1 of 2"), e.getMessage());
        assertEquals(Set.of(m.recordCid()), reader.suspects(), "an absent shard makes a suspect");
    }

    @Test
    void contentThatDoesNotHashToTheRecordCidFailsAtTheEnd() throws IOException {
        Manifest m = store(Cid.of(new byte[] {0}), RECORD);
        IOException e = assertThrows(IOException.class, () -> read(m));
        assertTrue(e.getMessage().contains("does not match its CID"), e.getMessage());
    }

    @Test
    void decodeMissingRebuildsTheAbsentShards() throws IOException {
        Manifest m = store(Cid.of(RECORD), RECORD);
        byte[][] shards = new byte[3][];
        shards[2] = nodeList.get(2).backend().get(m.stripe(0).get(2).cid()).orElseThrow();
        shards[1] = Arrays.copyOfRange(RECORD, 4, 8);
        RecordReader.decodeMissing(m, shards, new boolean[] {false, true, true}, 4);
        assertArrayEquals(Arrays.copyOfRange(RECORD, 0, 4), shards[0]);
    }
}
