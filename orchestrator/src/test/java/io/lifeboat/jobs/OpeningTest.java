package io.lifeboat.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A resource opened on its own thread during start-up: handed over once, or closed, never leaked. */
class OpeningTest {

    /** A resource that remembers whether it was closed, and on which thread it was made. */
    static final class Resource implements AutoCloseable {
        final String openedOn = Thread.currentThread().getName();
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void takeHandsOverWhatWasOpenedOnItsOwnThreadAndCloseLeavesItOpen() {
        Resource taken;
        try (Opening<Resource> opening = Opening.start("test-opener", Resource::new)) {
            taken = opening.take();
        }
        assertEquals("test-opener", taken.openedOn);
        assertEquals(1, taken.closed.getCount(), "a taken resource is the caller's to close");
    }

    @Test
    void aResourceNeverTakenIsClosedOnceItIsOpenEvenIfItOpensAfterTheCallerLeft() throws Exception {
        CountDownLatch mayOpen = new CountDownLatch(1);
        AtomicReference<Resource> made = new AtomicReference<>();
        try (Opening<Resource> ignored = Opening.start("test-opener", () -> {
            await(mayOpen);
            Resource r = new Resource();
            made.set(r);
            return r;
        })) {
            // the caller fails or finds the job locked before the resource is open
        }
        mayOpen.countDown();
        for (int i = 0; i < 500 && made.get() == null; i++) {
            Thread.sleep(10);
        }
        assertTrue(made.get().closed.await(5, TimeUnit.SECONDS), "an untaken resource must be closed once it opens");
    }

    @Test
    void aFailureToOpenIsThrownByTakeAsTheOpenerThrewIt() {
        LifeboatException failure = new LifeboatException(ExitCode.INCOMPLETE, "cannot reach the bucket");
        try (Opening<Resource> opening = Opening.start("test-opener", () -> {
            throw failure;
        })) {
            LifeboatException thrown = assertThrows(LifeboatException.class, opening::take);
            assertSame(failure, thrown, "not wrapped in a CompletionException: callers catch and record it by type");
        }
    }

    @Test
    void theOpenerThreadNeverKeepsTheJvmAlive() throws Exception {
        AtomicReference<Boolean> daemon = new AtomicReference<>();
        try (Opening<Resource> opening = Opening.start("test-opener", () -> {
            daemon.set(Thread.currentThread().isDaemon());
            return new Resource();
        })) {
            opening.take().close();
        }
        assertTrue(daemon.get());
        assertFalse(Thread.currentThread().getName().equals("test-opener"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
