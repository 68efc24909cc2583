package org.medshare.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store's shard I/O threads: daemon threads named {@code shard-store-io-N}, so an open store
 * never keeps the JVM alive. {@link #close()} interrupts work in progress. Thread-safe.
 */
final class IoPool implements Closeable {
    private final ExecutorService executor;

    /** @param threads at least 1 */
    IoPool(int threads) {
        AtomicInteger threadNo = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "shard-store-io-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /**
     * Runs {@code task} in the pool once {@code previous} has completed normally; tasks chained
     * this way run one at a time, in order. If {@code previous} failed, {@code task} does not run
     * and the returned future fails the same way.
     */
    CompletableFuture<Void> runAfter(CompletableFuture<?> previous, Runnable task) {
        return previous.thenRunAsync(task, executor);
    }

    /**
     * The task's result, with its own {@link IOException} or {@link RuntimeException} rethrown as
     * is; any other failure is wrapped in an {@link IOException}, and an interrupted wait is an
     * {@link InterruptedIOException} (the interrupt flag stays set).
     */
    static <T> T await(Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
