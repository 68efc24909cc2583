package org.medshare.store.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.store.Cid;

class LocalDirectoryBackendTest extends ShardBackendContractTest {
    @TempDir
    Path tmp;

    private final AtomicInteger counter = new AtomicInteger();

    @Override
    protected ShardBackend newBackend() {
        return new LocalDirectoryBackend(tmp.resolve("node-" + counter.incrementAndGet()));
    }

    @Test
    void ignoresAndCleansTemporariesAndSurvivesALostDirectory() throws IOException {
        LocalDirectoryBackend b = new LocalDirectoryBackend(tmp.resolve("lost"));
        byte[] data = {1, 2, 3};
        Cid cid = Cid.of(data);
        b.put(cid, data, 0, 3);
        Path dir = b.root().resolve(cid.toString().substring(57));
        Files.write(dir.resolve(cid + ".1234.tmp"), new byte[] {9});
        assertEquals(1, b.list().size(), "temporaries are not shards");
        assertEquals(1, b.removeStaleTemporaries());
        try (var walk = Files.walk(b.root())) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertFalse(b.exists(cid));
        assertTrue(b.list().isEmpty());
        b.put(cid, data, 0, 3);
        assertTrue(b.exists(cid), "next put recreates the directory");
    }
}
