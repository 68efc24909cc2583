package org.medshare.store;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.medshare.store.backend.ShardBackend;

/** Wraps a backend and injects failures: after N successful puts, or on every operation. */
final class FaultyBackend implements ShardBackend {
    private final ShardBackend inner;
    private final AtomicInteger putsBeforeFailure = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicBoolean failAll = new AtomicBoolean();

    FaultyBackend(ShardBackend inner) {
        this.inner = inner;
    }

    void failPutsAfter(int successfulPuts) {
        putsBeforeFailure.set(successfulPuts);
    }

    void failEverything(boolean fail) {
        failAll.set(fail);
    }

    private void check() throws IOException {
        if (failAll.get()) {
            throw new IOException("injected failure");
        }
    }

    @Override
    public void put(Cid cid, byte[] data, int offset, int length) throws IOException {
        check();
        if (putsBeforeFailure.getAndDecrement() <= 0) {
            throw new IOException("injected put failure");
        }
        inner.put(cid, data, offset, length);
    }

    @Override
    public Optional<byte[]> get(Cid cid) throws IOException {
        check();
        return inner.get(cid);
    }

    @Override
    public boolean delete(Cid cid) throws IOException {
        check();
        return inner.delete(cid);
    }

    @Override
    public boolean exists(Cid cid) throws IOException {
        check();
        return inner.exists(cid);
    }

    @Override
    public int removeStaleTemporaries() throws IOException {
        check();
        return inner.removeStaleTemporaries();
    }

    @Override
    public Set<Cid> list() throws IOException {
        check();
        return inner.list();
    }
}
