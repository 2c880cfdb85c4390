package io.lifeboat.drill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link ReadAhead}: the bytes pass unchanged, failures pass in order, and no read waits past the deadline. */
class ReadAheadTest {

    private static final Duration LONG = Duration.ofMinutes(1);

    /** Returns a few bytes at a time, as a socket does. */
    private static InputStream trickling(byte[] data, Random random) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(100_000)));
            }
        };
    }

    @Test
    void everyBytePassesInOrderWhateverTheReadSizes() throws IOException {
        Random random = new Random(42);
        byte[] data = new byte[3 * ReadAhead.CHUNK * ReadAhead.CHUNKS + 12345];
        random.nextBytes(data);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        try (ReadAhead in = new ReadAhead(() -> trickling(data, random), LONG, "test-fetch")) {
            byte[] buf = new byte[70_000];
            int n;
            while ((n = in.read(buf, 0, 1 + random.nextInt(buf.length))) >= 0) {
                copy.write(buf, 0, n);
            }
            assertEquals(-1, in.read(), "the end stays the end");
        }
        assertArrayEquals(data, copy.toByteArray());
    }

    /**
     * Memory stays flat however large the object: the fetch reads into the same few buffers
     * instead of a new array per read (which grew a drill's heap, and its peak RSS from 108 to
     * 190 MiB, over a 267 MiB object).
     */
    @Test
    void theFetchAllocatesNoNewBufferPerRead() throws Exception {
        long total = 64L * ReadAhead.CHUNK;
        AtomicLong left = new AtomicLong(total);
        InputStream source = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, left.get());
                left.addAndGet(-n);
                return n == 0 ? -1 : n;
            }
        };
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ReadAhead in = new ReadAhead(() -> source, LONG, "test-fetch-allocation")) {
            in.readNBytes((int) (total / 2));
            Thread fetcher = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("test-fetch-allocation")).findFirst().orElseThrow();
            long allocated = threads.getThreadAllocatedBytes(fetcher.getId());
            assertTrue(allocated >= 0 && allocated < ReadAhead.CHUNK, "the fetch allocated " + allocated
                    + " bytes for " + total / 2 / ReadAhead.CHUNK + " chunks read");
            assertEquals(total / 2, in.transferTo(OutputStream.nullOutputStream()));
        }
    }

    @Test
    void aFailureOfTheFetchComesAfterTheBytesBeforeIt() throws IOException {
        IOException reset = new IOException("Connection reset");
        InputStream source = new InputStream() {
            private int left = 1000;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 7;
                }
                throw reset;
            }
        };
        try (ReadAhead in = new ReadAhead(() -> source, LONG, "test-fetch")) {
            assertEquals(1000, in.readNBytes(1000).length);
            assertSame(reset, assertThrows(IOException.class, in::read));
        }
    }

    @Test
    void whatTheOpenerThrowsReachesTheFirstRead() {
        IllegalStateException refused = new IllegalStateException("403 Forbidden");
        try (ReadAhead in = new ReadAhead(() -> {
            throw refused;
        }, LONG, "test-fetch")) {
            assertSame(refused, assertThrows(IllegalStateException.class, in::read));
        }
    }

    /**
     * A source that sends 100 bytes and then blocks in a way an interrupt does not end (as a
     * socket read does): the read fails at the deadline, close returns at once, and the
     * fetching thread closes the source once its read returns.
     */
    @Test
    void aSilentSourceFailsTheReadAtTheDeadlineAndIsClosedWhenItsReadReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch sourceClosed = new CountDownLatch(1);
        InputStream silent = new InputStream() {
            private int sent;

            @Override
            public int read() {
                return sent++ < 100 ? 1 : block();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent < 100) {
                    int n = Math.min(len, 100 - sent);
                    sent += n;
                    return n;
                }
                return block();
            }

            private int block() {
                while (true) {
                    try {
                        release.await();
                        return -1;
                    } catch (InterruptedException ignored) {
                        // a socket read does not end on an interrupt either
                    }
                }
            }

            @Override
            public void close() {
                sourceClosed.countDown();
            }
        };
        long t0 = System.nanoTime(); // before the deadline is set: the wait below is at least 1500 ms
        ReadAhead in = new ReadAhead(() -> silent, Duration.ofMillis(1500), "test-fetch-silent");
        assertEquals(100, in.readNBytes(100).length);
        ReadAhead.StalledException e = assertThrows(ReadAhead.StalledException.class, in::read);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waited >= 1450 && waited < 5000, "failed after " + waited + " ms, given 1500");
        assertTrue(e.getMessage().contains("the storage stopped sending") && e.getMessage().contains("1.5 s"), e.getMessage());

        long c0 = System.nanoTime();
        in.close();
        // the fetch stays blocked until released below: a close that waited for it would not return at all
        assertTrue(System.nanoTime() - c0 < TimeUnit.SECONDS.toNanos(2), "close waited for the blocked fetch");
        assertEquals(1, sourceClosed.getCount(), "the source was closed while its read was still blocked");
        release.countDown();
        assertTrue(sourceClosed.await(5, TimeUnit.SECONDS), "the fetching thread did not close the source");
        assertTrue(fetcherEnds("test-fetch-silent"), "the fetching thread is still alive");
    }

    @Test
    void aReaderThatStopsReadingHoldsAtMostTheQueueAndTheFetchEndsOnClose() throws Exception {
        AtomicLong fetched = new AtomicLong();
        CountDownLatch sourceClosed = new CountDownLatch(1);
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                fetched.incrementAndGet();
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                fetched.addAndGet(len);
                return len;
            }

            @Override
            public void close() {
                sourceClosed.countDown();
            }
        };
        ReadAhead in = new ReadAhead(() -> endless, LONG, "test-fetch-endless");
        in.read(new byte[10]);
        Thread.sleep(500); // time enough to fill any queue
        long max = (long) (ReadAhead.CHUNKS + 2) * ReadAhead.CHUNK;
        assertTrue(fetched.get() <= max, "fetched " + fetched.get() + " bytes ahead of a reader that stopped; at most " + max);
        in.close();
        assertTrue(sourceClosed.await(5, TimeUnit.SECONDS), "the fetching thread did not close the source");
        assertTrue(fetcherEnds("test-fetch-endless"), "the fetching thread is still alive");
    }

    private static boolean fetcherEnds(String name) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(name))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
