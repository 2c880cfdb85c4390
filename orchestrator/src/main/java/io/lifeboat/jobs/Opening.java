package io.lifeboat.jobs;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * A resource being opened on a thread of its own while the caller does other start-up work.
 *
 * <p>{@link #take()} waits for it and hands it over: from then on the caller closes it, and a
 * failure to open is thrown as the opener threw it (not wrapped). If it is never taken (the
 * caller failed first, or another run held the job's lock), {@link #close()} closes the resource
 * once it is open, so nothing leaks whichever way the caller leaves.
 */
final class Opening<T extends AutoCloseable> implements AutoCloseable {

    private final CompletableFuture<T> future;
    private boolean taken;

    private Opening(CompletableFuture<T> future) {
        this.future = future;
    }

    static <T extends AutoCloseable> Opening<T> start(String threadName, Supplier<T> opener) {
        return new Opening<>(onThreadOfItsOwn(threadName, opener));
    }

    /** {@code work} on a new daemon thread named {@code threadName}; {@link #join} waits for it. */
    static <T> CompletableFuture<T> onThreadOfItsOwn(String threadName, Supplier<T> work) {
        // SLF4J binds its provider at the first logging call. Bound here, on the caller's thread,
        // before the new thread logs: two threads binding at once made SLF4J queue one's calls
        // and print a three-line "replay" warning on stderr after every backup and drill.
        LoggerFactory.getILoggerFactory();
        return CompletableFuture.supplyAsync(work, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true); // never keeps a finished command's JVM alive
            thread.start();
        });
    }

    /** Waits until the resource is open and hands it over; throws what opening it threw. */
    T take() {
        taken = true;
        return join(future);
    }

    /** Waits for {@code future}; throws what its work threw, not wrapped. */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Closes the resource when it opens, unless it was taken. */
    @Override
    public void close() {
        if (!taken) {
            future.thenAccept(Opening::closeQuietly);
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception ignored) {
            // nothing used it; the caller's own failure is the one that matters
        }
    }
}
