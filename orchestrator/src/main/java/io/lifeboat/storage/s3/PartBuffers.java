package io.lifeboat.storage.s3;

import java.util.ArrayDeque;

/**
 * The part buffers of one upload: at most {@code max} arrays of the part size ever exist, reused
 * from part to part. This is the memory bound: when all are taken (one being filled, the others
 * being sent), the writer waits here for a part to finish. Reuse also spares the garbage
 * collector one huge allocation per part.
 */
final class PartBuffers {

    private final int partSize;
    private final int max;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private int allocated;
    private int peak;
    private int waits;

    PartBuffers(int partSize, int max) {
        this.partSize = partSize;
        this.max = max;
    }

    /** A free buffer, allocating one while fewer than {@code max} exist, else waiting for one. */
    synchronized byte[] take() throws InterruptedException {
        boolean waited = false;
        while (free.isEmpty() && allocated >= max) {
            waited = true;
            wait();
        }
        if (waited) waits++;
        if (!free.isEmpty()) return free.pop();
        allocated++;
        peak = Math.max(peak, allocated);
        return new byte[partSize];
    }

    /** Gives a buffer back; its content is garbage from now on. */
    synchronized void release(byte[] buffer) {
        free.push(buffer);
        notifyAll();
    }

    /** Drops the free buffers so the memory goes back even if the upload object lives on. */
    synchronized void clear() {
        allocated -= free.size();
        free.clear();
    }

    /** The most buffers that existed at once (for the memory-bound test). */
    synchronized int peak() {
        return peak;
    }

    /** How often the writer had to wait for a buffer (for the memory-bound test). */
    synchronized int waits() {
        return waits;
    }
}
