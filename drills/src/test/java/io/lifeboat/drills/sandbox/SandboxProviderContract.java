package io.lifeboat.drills.sandbox;

import io.lifeboat.drills.testing.DumpFixtures;
import io.lifeboat.drills.testing.EngineFixtures;
import io.lifeboat.drills.testing.TricklingStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link SandboxProvider} of every engine must do, run against each of them: subclass
 * it, supply {@link #provider()} and {@link #assertRemoved(Sandbox)} (and {@link #fixtures()} for
 * an engine other than PostgreSQL), and every test here runs against your provider with the
 * engine's real dumps of the same shop, broken the same ways.
 *
 * <pre>{@code
 * class DockerSandboxProviderTest extends SandboxProviderContract {
 *     protected SandboxProvider provider() { return new DockerSandboxProvider(...); }
 *     protected void assertRemoved(Sandbox closed) { ...container is gone... }
 * }
 * }</pre>
 */
public abstract class SandboxProviderContract {

    private static final AtomicInteger RUNS = new AtomicInteger();

    /** The provider under test; called once per test. */
    protected abstract SandboxProvider provider() throws Exception;

    /**
     * Fails unless nothing of {@code closed} is left: its cluster directory, its database, its
     * container. Called after {@link Sandbox#close()}.
     */
    protected abstract void assertRemoved(Sandbox closed) throws Exception;

    /** The engine's dumps, SQL and messages; PostgreSQL's unless overridden. */
    protected EngineFixtures fixtures() {
        return EngineFixtures.POSTGRES;
    }

    /** A request for the good fixture's server version, with a run id unique in this JVM. */
    protected SandboxRequest request() {
        return new SandboxRequest("contract", "run" + ProcessHandle.current().pid() + "_" + RUNS.incrementAndGet(),
                fixtures().engine(), fixtures().good().serverVersion());
    }

    private void restore(Sandbox sandbox, DumpFixtures.Dump dump) throws Exception {
        DumpFixtures.restore(sandbox, dump.file(), fixtures().dumpFormat());
    }

    @Test
    void aGoodDumpRestoresAndAnswersQueries() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            long t0 = System.nanoTime();
            restore(sandbox, fixtures().good());
            System.out.printf("%s: restore of good.dump %.2f s%n", getClass().getSimpleName(), (System.nanoTime() - t0) / 1e9);

            QueryResult orders = sandbox.query("SELECT count(*) FROM orders", Duration.ofSeconds(30));
            assertEquals(Optional.of(Long.toString(DumpFixtures.ORDERS)), orders.value());
            assertEquals(1, orders.rows());
            assertEquals(Optional.of(fixtures().trueValue()), sandbox.query(fixtures().recentOrdersSql(),
                    Duration.ofSeconds(30)).value(), "booleans read as the engine's client prints true (not t)");
            assertEquals(Optional.of("3000"), sandbox.query("SELECT count(*) FROM order_totals o JOIN order_items i"
                    + " ON i.order_id = o.id", Duration.ofSeconds(30)).value(), "views restore too");
            assertFalse(sandbox.describe().isBlank());
        }
    }

    @Test
    void valuesComeBackExactlyAsTheDatabaseHasThem() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            restore(sandbox, fixtures().good());
            QueryResult r = sandbox.query(fixtures().awkwardValuesSql(), Duration.ofSeconds(30));
            assertEquals(10, r.rows());
            assertEquals(fixtures().awkwardValues(), r.columns(),
                    "commas, quotes and line breaks survive; NULL, the empty string and 'NULL' differ");

            QueryResult none = sandbox.query("SELECT id FROM orders WHERE false", Duration.ofSeconds(30));
            assertEquals(0, none.rows());
            assertEquals(Optional.empty(), none.value());

            assertEquals(Optional.of("2"), sandbox.query(fixtures().lastStatementCountsSql(),
                    Duration.ofSeconds(30)).value(), "the last statement's result is the answer");
        }
    }

    @Test
    void rowCountsMatchTheManifest() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            restore(sandbox, fixtures().good());
            Map<String, Long> counts = sandbox.rowCounts(Duration.ofSeconds(60));
            assertEquals(fixtures().good().rowCounts(), counts);
            assertEquals(10L, counts.get(fixtures().eventLogKey()));
        }
    }

    @Test
    void aQueryOverItsTimeoutFailsQuicklyAndTheSandboxStaysUsable() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            long t0 = System.nanoTime();
            QueryFailedException e = assertThrows(QueryFailedException.class,
                    () -> sandbox.query(fixtures().sleepSql(), Duration.ofMillis(500)));
            double took = (System.nanoTime() - t0) / 1e9;
            assertEquals(QueryFailedException.Reason.TIMED_OUT, e.reason(), e.getMessage());
            assertTrue(took < 5, "timed out after " + took + " s");
            assertEquals(Optional.of("1"), sandbox.query("SELECT 1", Duration.ofSeconds(30)).value());
        }
    }

    @Test
    void aQueryTheDatabaseRejectsCarriesItsMessage() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            restore(sandbox, fixtures().missingOrdersTable());
            QueryFailedException e = assertThrows(QueryFailedException.class,
                    () -> sandbox.query("SELECT count(*) FROM orders", Duration.ofSeconds(30)));
            assertEquals(QueryFailedException.Reason.REJECTED, e.reason());
            assertTrue(e.getMessage().startsWith(fixtures().missingTableMessagePrefix()), e.getMessage());
            assertTrue(e.getMessage().contains("orders"), e.getMessage());
        }
    }

    @Test
    void aQueryIsSqlNeverAClientCommand() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            QueryFailedException e = assertThrows(QueryFailedException.class,
                    () -> sandbox.query("\\! echo this must not run in a shell", Duration.ofSeconds(10)));
            assertEquals(QueryFailedException.Reason.REJECTED, e.reason());
            assertTrue(e.getMessage().startsWith(fixtures().clientCommandMessagePrefix()), e.getMessage());
        }
    }

    @Test
    void aTruncatedDumpFailsWithTheRestoreToolsMessage() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            RestoreFailedException e = assertThrows(RestoreFailedException.class, () -> restore(sandbox, fixtures().truncated()));
            assertTrue(e.getMessage().startsWith(fixtures().truncatedRestoreMessagePrefix()), e.getMessage());
        }
    }

    @Test
    void aDumpStreamThatFailsMidwayStopsTheRestoreAndIsReportedAsSuch() throws Exception {
        byte[] good = java.nio.file.Files.readAllBytes(fixtures().good().file());
        IOException broken = new IOException("fetch failed after half the object");
        InputStream half = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(good, 0, good.length / 2),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw broken;
                    }
                });
        try (Sandbox sandbox = provider().create(request())) {
            DumpReadException e = assertThrows(DumpReadException.class, () -> sandbox.restore(half, fixtures().dumpFormat()));
            assertSame(broken, e.getCause(), "the stream's own exception, not the restore tool's complaint");
        }
    }

    @Test
    void aRestorePastItsLimitIsStoppedAndSaysSo() throws Exception {
        // A good dump that trickles in (one byte every 20 ms: minutes for the fixture) stands for a
        // restore that hangs: the tool is stopped at the limit, and the restore returns then.
        byte[] good = java.nio.file.Files.readAllBytes(fixtures().good().file());
        InputStream trickle = new TricklingStream(good, Duration.ofMillis(20));
        Duration limit = Duration.ofSeconds(3);
        try (Sandbox sandbox = provider().create(request())) {
            long t0 = System.nanoTime();
            RestoreStoppedException e = assertThrows(RestoreStoppedException.class,
                    () -> sandbox.restore(trickle, fixtures().dumpFormat(), limit));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertEquals(limit, e.limit());
            assertTrue(e.getMessage().startsWith(fixtures().restoreTool() + " did not finish within 3 s and was stopped"), e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "the restore returned after " + took);
        }
    }

    @Test
    void aRestoreToolThatStopsEarlyStillHasTheWholeStreamRead() throws Exception {
        // not a dump: pg_restore gives up after the header, long before the stream ends
        long total = 64L * 1024 * 1024;
        long[] read = {0};
        InputStream garbage = new InputStream() {
            @Override
            public int read() {
                return read[0] < total ? (int) (read[0]++ & 0x7f) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (read[0] >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, total - read[0]);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                read[0] += n;
                return n;
            }
        };
        try (Sandbox sandbox = provider().create(request())) {
            RestoreFailedException e = assertThrows(RestoreFailedException.class, () -> sandbox.restore(garbage, fixtures().dumpFormat()));
            assertTrue(e.getMessage().contains(fixtures().restoreTool()), e.getMessage());
            assertEquals(total, read[0], "the dump stream verifies the backup at its end, so it is read to the end");
        }
    }

    @Test
    void closeIsIdempotentAndRemovesEverything() throws Exception {
        long t0 = System.nanoTime();
        Sandbox sandbox = provider().create(request());
        long created = System.nanoTime();
        restore(sandbox, fixtures().good());
        long t1 = System.nanoTime();
        sandbox.close();
        long closed = System.nanoTime();
        sandbox.close();
        assertRemoved(sandbox);
        System.out.printf("%s: sandbox create %.2f s, close %.2f s%n", getClass().getSimpleName(),
                (created - t0) / 1e9, (closed - t1) / 1e9);
    }

    @Test
    void anUnknownDumpFormatIsALimitationNotABadBackup() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            assertThrows(IllegalArgumentException.class, () -> DumpFixtures.restore(sandbox, fixtures().good().file(),
                    fixtures().foreignDumpFormat()));
        }
    }
}
