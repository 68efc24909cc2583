package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class IoPoolTest {
    @Test
    void tasksRunOnNamedDaemonThreads() throws IOException {
        try (IoPool pool = new IoPool(2)) {
            Thread t = IoPool.await(pool.submit(Thread::currentThread));
            assertTrue(t.isDaemon());
            assertTrue(t.getName().startsWith("shard-store-io-"), t.getName());
        }
    }

    @Test
    void awaitRethrowsTheTasksOwnFailure() {
        try (IoPool pool = new IoPool(1)) {
            IOException io = new IOException("disk");
            IllegalStateException runtime = new IllegalStateException("bug");
            Exception checked = new Exception("other");
            assertSame(
                    io,
                    assertThrows(
                            IOException.class,
                            () -> IoPool.await(pool.submit(() -> {
                                throw io;
                            }))));
            assertSame(
                    runtime,
                    assertThrows(
                            IllegalStateException.class,
                            () -> IoPool.await(pool.submit(() -> {
                                throw runtime;
                            }))));
            IOException wrapped = assertThrows(
                    IOException.class,
                    () -> IoPool.await(pool.submit(() -> {
                        throw checked;
                    })));
            assertSame(checked, wrapped.getCause());
        }
    }

    @Test
    void anInterruptedWaitIsAnInterruptedIoException() {
        Thread.currentThread().interrupt();
        try {
            IOException e = assertThrows(IOException.class, () -> IoPool.await(new CompletableFuture<String>()));
            assertInstanceOf(InterruptedIOException.class, e);
            assertTrue(Thread.interrupted(), "the interrupt flag stays set");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void closeInterruptsRunningWork() throws Exception {
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        IoPool pool = new IoPool(1);
        CompletableFuture<Void> started = new CompletableFuture<>();
        pool.submit(() -> {
            started.complete(null);
            try {
                Thread.sleep(60_000);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
            return null;
        });
        started.get();
        pool.close();
        assertEquals(true, interrupted.get());
    }
}
