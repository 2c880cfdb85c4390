package io.lifeboat.drill;

import io.lifeboat.drills.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads a stored object on a thread of its own, a few chunks ahead of its reader, and never
 * lets a read wait past a deadline.
 *
 * <p>Why: a read from a storage connection that went silent blocks in the socket until the HTTP
 * client's socket timeout (60 s), and with the SDK's URL-connection client neither aborting nor
 * closing the stream from another thread unblocks it (measured: 60.05 s either way). A drill
 * whose restore is stopped at its limit would wait that long on top. Here the reader waits on
 * a queue instead, up to the deadline, and then fails with a reason; the fetching thread is left
 * to its blocked read, and closes the object itself once the read returns. The fetch also
 * overlaps with the reader's decryption, decompression and restore.
 *
 * <p>Memory: {@link #CHUNKS} + 2 buffers of {@link #CHUNK} bytes (queued, being filled, being
 * read), reused: a fresh array per read made the drill's heap, and its peak RSS, grow from 108
 * to 190 MiB over a 267 MiB object (bench/drill.sh).
 */
final class ReadAhead extends InputStream {

    static final int CHUNK = 256 * 1024;
    static final int CHUNKS = 4;

    /** {@code length} bytes of the object in {@code buffer}, a buffer of the pool. */
    private record Chunk(byte[] buffer, int length) {
    }

    /** Queue items other than data: the end of the object, or what the fetch threw. */
    private record End(Throwable failure) {
    }

    private static final Chunk NONE = new Chunk(null, 0);

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CHUNKS);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS + 2);
    private final long deadline;
    private final Duration within;
    private volatile boolean closed;
    private Chunk chunk = NONE;
    private int pos;
    private End end;

    /**
     * Starts fetching at once.
     *
     * @param opener opens the object (on the fetching thread: a request that hangs before its
     *               first byte is bounded by the deadline too); a RuntimeException it throws is
     *               rethrown by the first read that reaches it
     * @param within no read waits for the fetch past this long from now
     */
    ReadAhead(Supplier<InputStream> opener, Duration within, String threadName) {
        this.within = within;
        for (int i = 0; i < CHUNKS + 2; i++) {
            free.add(new byte[CHUNK]);
        }
        this.deadline = System.nanoTime() + Math.min(within.toNanos(), Long.MAX_VALUE / 4);
        Thread fetcher = new Thread(() -> fetch(opener), threadName);
        fetcher.setDaemon(true); // a fetch stuck in a dead connection must not keep a finished command alive
        fetcher.start();
    }

    private void fetch(Supplier<InputStream> opener) {
        InputStream in = null;
        Throwable failure = null;
        try {
            in = opener.get();
            while (true) {
                byte[] b = freeBuffer();
                if (b == null) {
                    return; // closed
                }
                // whatever one read returns is passed on at once: a slow connection's bytes are
                // not held back until a buffer is full
                int n = in.read(b);
                if (n < 0) {
                    break;
                }
                if (!offer(new Chunk(b, n))) {
                    return;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException | RuntimeException ignored) {
                    // what was read decides the outcome
                }
            }
        }
        offer(new End(failure));
    }

    /** A free buffer, waiting while the reader holds them all; null once the reader closed. */
    private byte[] freeBuffer() {
        try {
            while (!closed) {
                byte[] b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Queues {@code item}, waiting while the queue is full; false once the reader closed. */
    private boolean offer(Object item) {
        try {
            while (!closed) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff; // never 0: read skips empty chunks
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (pos == chunk.length()) {
            if (end == null) {
                next();
            }
            if (end != null) {
                return ended();
            }
        }
        int n = Math.min(len, chunk.length() - pos);
        System.arraycopy(chunk.buffer(), pos, b, off, n);
        pos += n;
        return n;
    }

    /** Takes the next item: a chunk, or the end (kept in {@link #end}). */
    private void next() throws IOException {
        if (chunk != NONE) {
            free.offer(chunk.buffer()); // read: the fetch may fill it again
            chunk = NONE;
            pos = 0;
        }
        Object item;
        try {
            long wait = deadline - System.nanoTime();
            item = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the storage");
        }
        if (item == null) {
            throw new StalledException("the storage stopped sending: nothing more arrived within "
                    + Durations.describe(within) + " of the first read, the longest a restore waits for it");
        }
        if (item instanceof End e) {
            end = e;
            return;
        }
        chunk = (Chunk) item;
        pos = 0;
    }

    private int ended() throws IOException {
        Throwable f = end.failure();
        if (f == null) {
            return -1;
        }
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof Error err) {
            throw err;
        }
        throw (RuntimeException) f; // fetch passes on nothing else
    }

    /** Returns at once: a fetch blocked in a read closes the object when that read returns. */
    @Override
    public void close() {
        closed = true;
        queue.clear(); // frees the memory now, and a fetch waiting to queue sees closed
    }

    /** No data came before the deadline. */
    static final class StalledException extends IOException {
        StalledException(String message) {
            super(message);
        }
    }
}
