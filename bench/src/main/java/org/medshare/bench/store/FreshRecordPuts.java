package org.medshare.bench.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.medshare.store.Manifest;
import org.medshare.store.ShardStore;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the store benchmarks that put records share: every invocation puts fresh content (a counter in the first
 * eight bytes, so no put is deduplicated against an earlier one), and the record it left is deleted and
 * garbage-collected after the invocation, outside the measured time. Subclasses set {@link #store} and
 * {@link #data} in their trial set-up.
 */
abstract class FreshRecordPuts {
    ShardStore store;
    byte[] data;
    private long counter;
    private Manifest last;

    @Setup(Level.Invocation)
    public void freshContent() {
        counter++;
        for (int i = 0; i < 8; i++) {
            data[i] = (byte) (counter >>> (8 * i));
        }
    }

    @TearDown(Level.Invocation)
    public void deleteLastPut() throws IOException {
        if (last != null) {
            store.delete("bench", last.recordCid());
            store.collectGarbage();
            last = null;
        }
    }

    /** Puts {@link #data} as a new record of owner {@code bench}. */
    Manifest putFresh() throws IOException {
        last = store.put("bench", new ByteArrayInputStream(data));
        return last;
    }
}
