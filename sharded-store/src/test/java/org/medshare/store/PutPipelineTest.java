package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PutPipelineTest extends StorePartsTestSupport {
    @Test
    void aShortLastStripeIsSpreadOverAllDataShards() throws IOException {
        byte[] content = PatternStream.bytes(1, StoreParts.K * StoreParts.SHARD + 10);
        Manifest m = openAndPut(content);
        assertEquals(2, m.stripeCount());
        assertEquals(StoreParts.SHARD, m.shardLength(0));
        assertEquals(3, m.shardLength(1), "ceil(10 / k)");
        assertEquals(Cid.of(content), m.recordCid());
        assertArrayEquals(content, parts.read(m));
        assertEquals(m.storedBytes(), parts.table.usage("owner"));
    }

    @Test
    void anEmptyRecordIsOneStripeOfEmptyShards() throws IOException {
        Manifest m = openAndPut(new byte[0]);
        assertEquals(1, m.stripeCount());
        assertEquals(0, m.shardLength(0));
        assertArrayEquals(new byte[0], parts.read(m));
    }

    @Test
    void aShardWhoseWriteFailsGoesToAnotherNodeOfAnUnusedDomain() throws IOException {
        open(7, QuotaPolicy.unlimited());
        parts.backends.get(3).failPutsAfter(0);
        byte[] content = PatternStream.bytes(2, 3 * StoreParts.K * StoreParts.SHARD);
        Manifest m = parts.put(content);
        for (int s = 0; s < m.stripeCount(); s++) {
            Set<String> used = new HashSet<>();
            for (Manifest.ShardRef ref : m.stripe(s)) {
                assertTrue(used.add(ref.nodeId()), "one shard of a stripe per node: " + m.stripe(s));
            }
            assertTrue(!used.contains("node-3"), "the failing node holds nothing");
        }
        assertEquals(0, parts.backends.get(3).list().size());
        assertArrayEquals(content, parts.read(m));
    }

    @Test
    void aFailedStreamCommitsNothingAndLeavesNoShardOrCharge() throws IOException {
        open(6, QuotaPolicy.unlimited());
        InputStream failing =
                new SequenceInputStream(new PatternStream(3, 2L * StoreParts.K * StoreParts.SHARD), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("stream broke");
                    }
                });
        IOException e = assertThrows(IOException.class, () -> parts.puts.put("owner", failing));
        assertEquals("stream broke", e.getMessage());
        assertEquals(List.of(), parts.table.liveManifests());
        assertEquals(0, parts.table.usage("owner"));
        assertEquals(0, parts.storedShards());
    }

    @Test
    void aStreamBreakingWithEveryStripeInFlightCommitsNothingAndLeavesNoShardOrCharge() throws IOException {
        open(6, QuotaPolicy.unlimited());
        long before = (PutPipeline.STRIPES_IN_FLIGHT + 2L) * StoreParts.K * StoreParts.SHARD + 5;
        InputStream failing = new SequenceInputStream(new PatternStream(8, before), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("stream broke late");
            }
        });
        IOException e = assertThrows(IOException.class, () -> parts.puts.put("owner", failing));
        assertEquals("stream broke late", e.getMessage());
        assertEquals(List.of(), parts.table.liveManifests());
        assertEquals(0, parts.table.usage("owner"));
        assertEquals(0, parts.storedShards());
    }

    @Test
    void manyStripesInFlightKeepTheirOrderWhenANodeFailsPartWay() throws IOException {
        open(7, QuotaPolicy.unlimited());
        parts.backends.get(1).failPutsAfter(3);
        byte[] content =
                PatternStream.bytes(9, (3 * PutPipeline.STRIPES_IN_FLIGHT) * StoreParts.K * StoreParts.SHARD + 7);
        Manifest m = parts.put(content);
        assertEquals(3 * PutPipeline.STRIPES_IN_FLIGHT + 1, m.stripeCount());
        assertEquals(Cid.of(content), m.recordCid());
        assertArrayEquals(content, parts.read(m));
        assertEquals(m.storedBytes(), parts.table.usage("owner"));
    }

    @Test
    void aPutBeyondTheQuotaIsRefusedAndLeavesNothing() throws IOException {
        open(6, QuotaPolicy.uniform(2 * StoreParts.N * StoreParts.SHARD));
        byte[] content = PatternStream.bytes(4, 3 * StoreParts.K * StoreParts.SHARD);
        assertThrows(QuotaExceededException.class, () -> parts.put(content));
        assertEquals(0, parts.table.usage("owner"));
        assertEquals(0, parts.storedShards());
        assertEquals(List.of(), parts.table.liveManifests());
    }
}
