package io.lifeboat.drills.sandbox;

import io.lifeboat.drills.testing.DumpFixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every PostgreSQL {@link SandboxProvider} must do, run against each of them: subclass it,
 * supply {@link #provider()} and {@link #assertRemoved(Sandbox)}, and every test here runs
 * against your provider with the real {@link DumpFixtures} dumps.
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

    /** A request for the good fixture's server version, with a run id unique in this JVM. */
    protected SandboxRequest request() {
        return new SandboxRequest("contract", "run" + ProcessHandle.current().pid() + "_" + RUNS.incrementAndGet(),
                "postgres", DumpFixtures.good().serverVersion());
    }

    @Test
    void aGoodDumpRestoresAndAnswersQueries() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            long t0 = System.nanoTime();
            sandbox.restore(DumpFixtures.good().file(), "pg_dump-custom");
            System.out.printf("%s: restore of good.dump %.2f s%n", getClass().getSimpleName(), (System.nanoTime() - t0) / 1e9);

            QueryResult orders = sandbox.query("SELECT count(*) FROM orders", Duration.ofSeconds(30));
            assertEquals(Optional.of(Long.toString(DumpFixtures.ORDERS)), orders.value());
            assertEquals(1, orders.rows());
            assertEquals(Optional.of("true"), sandbox.query("SELECT max(created_at) > now() - interval '2 days' FROM orders",
                    Duration.ofSeconds(30)).value(), "booleans read true/false, not t/f");
            assertEquals(Optional.of("3000"), sandbox.query("SELECT count(*) FROM order_totals o JOIN order_items i"
                    + " ON i.order_id = o.id", Duration.ofSeconds(30)).value(), "views restore too");
            assertFalse(sandbox.describe().isBlank());
        }
    }

    @Test
    void valuesComeBackExactlyAsTheDatabaseHasThem() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            sandbox.restore(DumpFixtures.good().file(), "pg_dump-custom");
            QueryResult r = sandbox.query("SELECT note, NULL, '', 'a,\"b\"', 't'::text, 1.50 FROM audit.\"Event Log\""
                    + " ORDER BY id", Duration.ofSeconds(30));
            assertEquals(10, r.rows());
            assertEquals(List.of(Optional.of("line one, with a comma\nline \"two\""), Optional.empty(), Optional.of(""),
                    Optional.of("a,\"b\""), Optional.of("true"), Optional.of("1.50")), r.columns(),
                    "commas, quotes and line breaks survive; NULL and the empty string differ");

            QueryResult none = sandbox.query("SELECT id FROM orders WHERE false", Duration.ofSeconds(30));
            assertEquals(0, none.rows());
            assertEquals(Optional.empty(), none.value());

            assertEquals(Optional.of("2"), sandbox.query("SET search_path = audit, public; SELECT 2",
                    Duration.ofSeconds(30)).value(), "the last statement's result is the answer");
        }
    }

    @Test
    void rowCountsMatchTheManifest() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            sandbox.restore(DumpFixtures.good().file(), "pg_dump-custom");
            Map<String, Long> counts = sandbox.rowCounts(Duration.ofSeconds(60));
            assertEquals(DumpFixtures.good().rowCounts(), counts);
            assertEquals(10L, counts.get("audit.Event Log"));
        }
    }

    @Test
    void aQueryOverItsTimeoutFailsQuicklyAndTheSandboxStaysUsable() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            long t0 = System.nanoTime();
            QueryFailedException e = assertThrows(QueryFailedException.class,
                    () -> sandbox.query("SELECT pg_sleep(60)", Duration.ofMillis(500)));
            double took = (System.nanoTime() - t0) / 1e9;
            assertEquals(QueryFailedException.Reason.TIMED_OUT, e.reason(), e.getMessage());
            assertTrue(took < 5, "timed out after " + took + " s");
            assertEquals(Optional.of("1"), sandbox.query("SELECT 1", Duration.ofSeconds(30)).value());
        }
    }

    @Test
    void aQueryTheDatabaseRejectsCarriesItsMessage() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            sandbox.restore(DumpFixtures.missingOrdersTable().file(), "pg_dump-custom");
            QueryFailedException e = assertThrows(QueryFailedException.class,
                    () -> sandbox.query("SELECT count(*) FROM orders", Duration.ofSeconds(30)));
            assertEquals(QueryFailedException.Reason.REJECTED, e.reason());
            assertEquals("ERROR: relation \"orders\" does not exist", e.getMessage());
        }
    }

    @Test
    void aQueryIsSqlNeverAClientCommand() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            QueryFailedException e = assertThrows(QueryFailedException.class,
                    () -> sandbox.query("\\! echo this must not run in a shell", Duration.ofSeconds(10)));
            assertEquals(QueryFailedException.Reason.REJECTED, e.reason());
            assertTrue(e.getMessage().startsWith("ERROR: syntax error"), e.getMessage());
        }
    }

    @Test
    void aTruncatedDumpFailsWithPgRestoresMessage() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            RestoreFailedException e = assertThrows(RestoreFailedException.class,
                    () -> sandbox.restore(DumpFixtures.truncated().file(), "pg_dump-custom"));
            assertTrue(e.getMessage().startsWith("pg_restore exited with status 1: pg_restore: error:"), e.getMessage());
        }
    }

    @Test
    void closeIsIdempotentAndRemovesEverything() throws Exception {
        long t0 = System.nanoTime();
        Sandbox sandbox = provider().create(request());
        long created = System.nanoTime();
        sandbox.restore(DumpFixtures.good().file(), "pg_dump-custom");
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
            assertThrows(IllegalArgumentException.class, () -> sandbox.restore(DumpFixtures.good().file(), "mysqldump-sql"));
        }
    }
}
