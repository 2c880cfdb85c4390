package io.lifeboat.drills.check;

import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.postgres.EphemeralPostgresSandboxProvider;
import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.testing.DumpFixtures;
import io.lifeboat.drills.testing.FixtureBackup;
import io.lifeboat.drills.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every check against one real sandbox holding good.dump. */
class ChecksTest {

    @TempDir
    static Path tmp;
    static Sandbox sandbox;
    static final Instant NOW = Instant.parse("2025-03-01T03:00:00Z");
    static final FixtureBackup GOOD = DumpFixtures.goodBackup(NOW.minus(Duration.ofHours(3)));

    @BeforeAll
    static void restoreTheShop() throws Exception {
        sandbox = new EphemeralPostgresSandboxProvider(PostgresInstallations.discover(), TestClusters.openForServer(tmp))
                .create(new SandboxRequest("checks", "1", "postgres", GOOD.serverVersion()));
        DumpFixtures.restore(sandbox, DumpFixtures.good().file(), GOOD.dumpFormat());
    }

    @AfterAll
    static void closeIt() {
        sandbox.close();
    }

    static CheckResult run(Check check) {
        return run(check, GOOD);
    }

    static CheckResult run(Check check, FixtureBackup backup) {
        return check.run(new CheckContext(sandbox, backup, NOW, Duration.ofMillis(3_200)));
    }

    static SqlCheck sql(String sql, String expect) {
        return new SqlCheck("c", sql, Expectation.parse(expect), Duration.ofSeconds(30));
    }

    @Test
    void sqlCheckPassesAndFailsWithExpectedAndGot() {
        CheckResult ok = run(sql("SELECT count(*) FROM orders", ">= 1000"));
        assertEquals(Outcome.PASSED, ok.status());
        assertEquals("got 1000 (expected >= 1000)", ok.reason());
        assertEquals(Optional.of("1000"), ok.observed());

        CheckResult low = run(sql("SELECT count(*) - 2 FROM orders", ">= 1000"));
        assertEquals(Outcome.FAILED, low.status());
        assertEquals("expected >= 1000, got 998", low.reason());

        assertEquals(Outcome.PASSED, run(sql("SELECT count(*) FROM orders WHERE status = 'refunded'", "between 90 and 110")).status());
        assertEquals(Outcome.PASSED, run(sql("SELECT min(email) FROM customers", "matches /c[0-9]+@example\\.com/")).status());
        assertEquals(Outcome.PASSED, run(sql("SELECT bool_and(price > 0) FROM products", "true")).status());
    }

    @Test
    void noRowsAndNullMeetNothing() {
        assertEquals("expected >= 1, got no rows", run(sql("SELECT id FROM orders WHERE false", ">= 1")).reason());
        CheckResult nul = run(sql("SELECT max(id) FROM orders WHERE false", "= 0"));
        assertEquals(Outcome.FAILED, nul.status());
        assertEquals("expected = 0, got NULL", nul.reason());
    }

    @Test
    void anSqlErrorFailsWithTheDatabasesMessageAndATimeoutErrors() {
        CheckResult missing = run(sql("SELECT count(*) FROM refunds", ">= 0"));
        assertEquals(Outcome.FAILED, missing.status());
        assertEquals("query failed: ERROR: relation \"refunds\" does not exist", missing.reason());

        CheckResult slow = run(new SqlCheck("slow", "SELECT pg_sleep(20)", Expectation.parse("true"), Duration.ofSeconds(1)));
        assertEquals(Outcome.ERRORED, slow.status());
        assertEquals("did not answer within 1 s", slow.reason());
        assertTrue(slow.duration().compareTo(Duration.ofSeconds(5)) < 0, slow.duration().toString());
    }

    @Test
    void longOrMultiLineValuesAreShownOnOneShortLine() {
        CheckResult r = run(sql("SELECT note FROM audit.\"Event Log\" LIMIT 1", "= x"));
        assertEquals("expected = x, got line one, with a comma\\nline \"two\"", r.reason());
        CheckResult big = run(sql("SELECT repeat('y', 1000)", "= x"));
        assertTrue(big.reason().length() < 250 && big.reason().endsWith("…"), big.reason());
        assertEquals(1000, big.observed().orElseThrow().length(), "the observed value itself is kept whole");
    }

    @Test
    void rowCountsMatchExactlyOrWithinTolerance() {
        CheckResult exact = run(new RowCountCheck(0));
        assertEquals(Outcome.PASSED, exact.status(), exact.reason());
        assertEquals("6 tables, 4,261 rows: counts match the manifest exactly", exact.reason());

        Map<String, Long> off = new LinkedHashMap<>(GOOD.rowCounts());
        off.put("public.orders", 1010L);
        assertEquals(Outcome.FAILED, run(new RowCountCheck(0), GOOD.withRowCounts(off)).status());
        CheckResult within = run(new RowCountCheck(0.01), GOOD.withRowCounts(off));
        assertEquals(Outcome.PASSED, within.status(), within.reason());
        assertTrue(within.reason().endsWith("are within 1% of the manifest"), within.reason());
    }

    @Test
    void rowCountsNameTheWorstOffendersFirst() {
        Map<String, Long> manifest = new LinkedHashMap<>(GOOD.rowCounts());
        manifest.put("public.refunds", 5L);
        manifest.put("public.orders", 1001L);
        manifest.put("public.customers", 400L);
        manifest.put("audit.Event Log", 11L);
        manifest.put("public.products", 51L);
        CheckResult r = run(new RowCountCheck(0), GOOD.withRowCounts(manifest));
        assertEquals(Outcome.FAILED, r.status());
        assertEquals("row counts differ from the manifest in 5 of 7 tables: public.refunds is missing (manifest: 5 rows);"
                + " public.customers has 200 rows, manifest 400 (-50.0%); audit.Event Log has 10 rows, manifest 11 (-9.1%);"
                + " and 2 more", r.reason());
    }

    @Test
    void theCanaryIsFoundOrItsAbsenceFails() {
        CheckResult found = run(new CanaryCheck());
        assertEquals(Outcome.PASSED, found.status(), found.reason());
        assertEquals(Optional.of(DumpFixtures.CANARY_TOKEN), found.observed());

        CheckResult missing = run(new CanaryCheck(), DumpFixtures.canaryNotInDumpBackup(NOW));
        assertEquals(Outcome.FAILED, missing.status());
        assertEquals("canary row canary-0000deadbeef written at 2025-02-01T03:00:00Z is missing: this backup does not"
                + " hold that moment's data", missing.reason());

        CheckResult none = run(new CanaryCheck(), GOOD.withCanary(Optional.empty()));
        assertEquals(Outcome.PASSED, none.status());

        CheckResult injected = run(new CanaryCheck(), GOOD.withCanary(Optional.of(new CanaryRow("x' OR '1'='1", NOW))));
        assertEquals(Outcome.FAILED, injected.status(), "a token lifeboat never writes is not looked up at all");
        assertTrue(injected.reason().contains("not one lifeboat writes"), injected.reason());
    }

    @Test
    void aMissingCanaryTableFailsWithTheDatabasesMessage() throws Exception {
        sandbox.query("ALTER TABLE lifeboat_canary RENAME TO lifeboat_canary_away", Duration.ofSeconds(10));
        try {
            CheckResult r = run(new CanaryCheck());
            assertEquals(Outcome.FAILED, r.status());
            assertEquals("canary row " + DumpFixtures.CANARY_TOKEN + " written at " + DumpFixtures.CANARY_WRITTEN_AT
                    + " is missing: this backup does not hold that moment's data (ERROR: relation \"lifeboat_canary\""
                    + " does not exist)", r.reason());
        } finally {
            sandbox.query("ALTER TABLE lifeboat_canary_away RENAME TO lifeboat_canary", Duration.ofSeconds(10));
        }
    }

    @Test
    void rpoAndRtoCompareWithTheirBudgets() {
        CheckContext noSandbox = new CheckContext(null, GOOD, NOW, Duration.ofMillis(3_200));
        assertEquals("backup is 3h old (max_backup_age 26h)", new RpoCheck(Duration.ofHours(26)).run(noSandbox).reason());
        CheckResult stale = new RpoCheck(Duration.ofHours(2)).run(noSandbox);
        assertEquals(Outcome.FAILED, stale.status());
        assertEquals("backup is 3h old, max_backup_age is 2h", stale.reason());
        assertEquals(Outcome.PASSED, new RpoCheck(Duration.ofHours(3)).run(noSandbox).status(), "the limit itself is fine");

        assertEquals("restore took 3.2 s (max_restore_time 30m)", new RtoCheck(Duration.ofMinutes(30)).run(noSandbox).reason());
        CheckResult slow = new RtoCheck(Duration.ofSeconds(3)).run(noSandbox);
        assertEquals(Outcome.FAILED, slow.status());
        assertEquals("restore took 3.2 s, max_restore_time is 3 s", slow.reason());
    }
}
