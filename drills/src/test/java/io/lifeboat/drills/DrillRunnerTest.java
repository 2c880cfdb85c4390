package io.lifeboat.drills;

import io.lifeboat.drills.check.Check;
import io.lifeboat.drills.check.CheckResult;
import io.lifeboat.drills.check.Expectation;
import io.lifeboat.drills.check.SqlCheck;
import io.lifeboat.drills.postgres.EphemeralPostgresSandboxProvider;
import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.sandbox.DumpReadException;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRefusedException;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.testing.DumpFixtures;
import io.lifeboat.drills.testing.FixtureBackup;
import io.lifeboat.drills.testing.TestClusters;
import io.lifeboat.drills.testing.TricklingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drills in ephemeral sandboxes over the real fixtures: one test per way a drill can end. After
 * every test, whatever the outcome, no cluster may be left.
 */
class DrillRunnerTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    Path clusters;
    DrillRunner runner;
    Instant now;

    @BeforeEach
    void setUp() throws IOException {
        // a JUnit @TempDir is 0700: the postgres user must be able to pass through to its clusters
        clusters = TestClusters.openForServer(Files.createDirectory(TestClusters.openForServer(tmp).resolve("clusters")));
        runner = new DrillRunner(new EphemeralPostgresSandboxProvider(PostgresInstallations.discover(), clusters),
                Clock.systemUTC());
        now = Instant.now();
    }

    @AfterEach
    void teardownHappenedOnEveryPath() throws IOException {
        assertEmpty(clusters, "sandbox clusters");
    }

    /** The configuration of issue 3's example drill. */
    static DrillSpec shopQuarterly(Check... extra) {
        List<Check> checks = new ArrayList<>(List.of(
                new SqlCheck("orders present", "SELECT count(*) FROM orders", Expectation.parse(">= 1000"), TIMEOUT),
                new SqlCheck("recent orders", "SELECT max(created_at) > now() - interval '2 days' FROM orders",
                        Expectation.parse("true"), TIMEOUT)));
        checks.addAll(List.of(extra));
        return new DrillSpec("shop-quarterly", checks, Optional.of(Duration.ofHours(26)), Optional.of(Duration.ofMinutes(30)), 0.0);
    }

    @Test
    void aGoodBackupPassesWithStepsTimingsAndASummary() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.goodBackup(now.minus(Duration.ofHours(2)))));

        assertEquals(Outcome.PASSED, r.outcome(), r.reason());
        assertTrue(r.reason().matches("restored 6 tables, 4,261 rows in [0-9.]+ (s|ms); 6 checks passed"), r.reason());
        assertEquals(List.of("sandbox", "fetch", "restore", "checks", "teardown"),
                r.steps().stream().map(StepResult::name).toList());
        assertTrue(r.steps().stream().allMatch(s -> s.status() == Outcome.PASSED), r.steps().toString());
        assertTrue(r.steps().stream().allMatch(s -> s.duration().toNanos() > 0), r.steps().toString());
        assertEquals(List.of("backup age (RPO)", "restore time (RTO)", "row counts", "canary", "orders present",
                "recent orders"), r.checks().stream().map(CheckResult::name).toList());
        assertTrue(r.checks().stream().allMatch(c -> c.status() == Outcome.PASSED), r.checks().toString());
        assertEquals(Optional.of("1000"), r.checks().get(4).observed());
        assertTrue(r.restoreDuration().orElseThrow().toNanos() > 0);
        assertTrue(r.backupAge().orElseThrow().compareTo(Duration.ofHours(2)) >= 0);
        assertTrue(r.sandbox().startsWith("ephemeral PostgreSQL"), r.sandbox());
        assertEquals("shop-quarterly", r.drill());
        assertTrue(r.backupId().isPresent());
        assertEquals(List.of(), r.warnings());
        assertFalse(r.finishedAt().isBefore(r.startedAt()));
        System.out.printf("drill of good.dump: %s; steps %s%n", r.reason(), r.steps().stream()
                .map(s -> s.name() + " " + Durations.describe(s.duration())).toList());
    }

    @Test
    void aTruncatedDumpFailsTheRestore() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.truncatedBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertTrue(r.reason().startsWith("restore failed: pg_restore exited with status 1: pg_restore: error:"), r.reason());
        assertFalse(r.reason().contains("\n"));
        assertEquals(Outcome.FAILED, step(r, "restore").status());
        assertEquals(Outcome.PASSED, step(r, "teardown").status(), "torn down after the failure too");
        assertEquals(List.of("backup age (RPO)"), r.checks().stream().map(CheckResult::name).toList(),
                "only RPO means something without a restored database");
        assertTrue(r.restoreDuration().isEmpty());
    }

    @Test
    void aBackupMissingATableFailsTheCheckThatNeedsIt() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.missingOrdersTableBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertTrue(r.reason().startsWith("check \"orders present\": query failed: ERROR: relation \"orders\" does not exist"),
                r.reason());
        assertTrue(r.reason().endsWith("(and 1 more problem)"), "recent orders fails too: " + r.reason());
        assertEquals(Outcome.PASSED, check(r, "row counts").status(), "its manifest agrees with it");
    }

    @Test
    void rowCountsThatDisagreeWithTheManifestFailNamingTheWorstTables() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.rowCountsDisagreeBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("row counts differ from the manifest in 2 of 6 tables: public.orders has 1,000 rows, manifest 1,200"
                + " (-16.7%); public.order_items has 3,000 rows, manifest 3,300 (-9.1%)", r.reason());
    }

    @Test
    void aStaleBackupFailsRpoEvenThoughItRestores() {
        Clock fixed = Clock.fixed(now, java.time.ZoneOffset.UTC);
        DrillRunner atNow = new DrillRunner(new EphemeralPostgresSandboxProvider(PostgresInstallations.discover(), clusters),
                fixed);
        DrillResult r = atNow.run(shopQuarterly(), DumpFixtures.staleBackup(now));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("backup is 30h12m old, max_backup_age is 26h", r.reason());
        assertEquals(Duration.ofHours(30).plusMinutes(12), r.backupAge().orElseThrow());
        assertEquals(Outcome.PASSED, step(r, "restore").status());
        assertEquals(1, r.checks().stream().filter(c -> c.status() != Outcome.PASSED).count());
    }

    @Test
    void aStaleBackupThatAlsoFailsToRestoreNamesTheRestoreAndStillReportsRpo() {
        FixtureBackup staleAndTruncated = DumpFixtures.truncatedBackup(now.minus(Duration.ofHours(40)));
        DrillResult r = show(runner.run(shopQuarterly(), staleAndTruncated));

        assertEquals(Outcome.FAILED, r.outcome());
        assertTrue(r.reason().startsWith("restore failed:") && r.reason().endsWith("(and 1 more problem)"), r.reason());
        assertEquals(Outcome.FAILED, check(r, "backup age (RPO)").status());
        assertTrue(check(r, "backup age (RPO)").reason().startsWith("backup is 40h"));
    }

    @Test
    void aCheckWithTheWrongValueFailsNamingTheCheck() {
        DrillResult r = show(runner.run(shopQuarterly(new SqlCheck("exactly 999 orders", "SELECT count(*) FROM orders",
                Expectation.parse("= 999"), TIMEOUT)), DumpFixtures.goodBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("check \"exactly 999 orders\": expected = 999, got 1000", r.reason());
        assertEquals(Outcome.FAILED, step(r, "checks").status());
    }

    @Test
    void aRestoreOverItsRtoBudgetFails() {
        // A restore that finishes over budget: timed, and the RTO check says by how much. (The
        // sandbox lets it finish: a real one stops it at twice the budget, 2 ms here.)
        DrillSpec spec = new DrillSpec("shop-quarterly", List.of(), Optional.empty(), Optional.of(Duration.ofMillis(1)), 0.0);
        DrillRunner unlimited = new DrillRunner(restoringAs((real, dump, dumpFormat, limit) -> real.restore(dump, dumpFormat)),
                Clock.systemUTC());
        DrillResult r = show(unlimited.run(spec, DumpFixtures.goodBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertTrue(r.reason().matches("restore took [0-9.]+ (s|ms), max_restore_time is 1 ms"), r.reason());
    }

    /** The good backup arriving one byte per 20 ms: minutes for the whole dump, as from a stalled bucket. */
    private FixtureBackup tricklingBackup() throws IOException {
        DumpFixtures.Dump good = DumpFixtures.good();
        byte[] bytes = Files.readAllBytes(good.file());
        return new FixtureBackup("trickling", "shop/trickling", now, "postgres", good.serverVersion(), "pg_dump-custom",
                good.rowCounts(), good.canary(), (steps, within) -> new TricklingStream(bytes, Duration.ofMillis(20)));
    }

    @Test
    void aDrillWhoseRestoreIsStoppedEndsWithoutReadingTheRestOfTheDump() throws IOException {
        // A dump that trickles in (minutes at one byte per 20 ms), as from a stalled bucket: the
        // restore is stopped at 2 s and the drill ends then, not when the stream would.
        FixtureBackup trickling = tricklingBackup();
        DrillSpec spec = new DrillSpec("shop-quarterly", List.of(), Optional.empty(), Optional.of(Duration.ofSeconds(1)), 0.0);

        long t0 = System.nanoTime();
        DrillResult r = show(runner.run(spec, trickling));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertEquals(Outcome.FAILED, r.outcome());
        assertTrue(r.reason().startsWith("restore stopped after 2 s, twice max_restore_time (1 s)"), r.reason());
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "the drill took " + took);
    }

    @Test
    void aStoppedRestoreWithoutABudgetSaysHowToStopOneSooner() throws IOException {
        // Without max_restore_time the limit is a day; the sandbox here stops at 2 s instead, so
        // that a real pg_restore on a trickling dump is stopped within the test.
        FixtureBackup trickling = tricklingBackup();
        DrillSpec spec = new DrillSpec("shop-quarterly", List.of(), Optional.empty(), Optional.empty(), 0.0);
        DrillRunner shortLimit = new DrillRunner(restoringAs((real, dump, dumpFormat, limit) -> {
            assertEquals(Sandbox.RESTORE_LIMIT, limit, "without max_restore_time the drill asks for the default limit");
            real.restore(dump, dumpFormat, Duration.ofSeconds(2));
        }), Clock.systemUTC());

        DrillResult r = show(shortLimit.run(spec, trickling));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("restore stopped: pg_restore did not finish within 2 s and was stopped (set max_restore_time on the drill"
                + " to stop a hung restore sooner)", r.reason());
    }

    @Test
    void aRestorePastTwiceItsRtoBudgetIsStopped() {
        DrillSpec spec = new DrillSpec("shop-quarterly", List.of(), Optional.empty(), Optional.of(Duration.ofMillis(1)), 0.0);
        DrillResult r = show(runner.run(spec, DumpFixtures.goodBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertTrue(r.reason().startsWith("restore stopped after 2 ms, twice max_restore_time (1 ms): pg_restore did not finish"
                + " within 2 ms and was stopped"), r.reason());
        assertEquals(Outcome.FAILED, step(r, "restore").status());
    }

    /**
     * The backup is opened with the restore's limit and a grace: the orchestrator's stored
     * backup stops waiting for a silent storage then (BackupS3Test provokes one), instead of at
     * its HTTP client's socket timeout.
     */
    @Test
    void theBackupIsReadWithinTheRestoresLimitAndAGrace() {
        List<Duration> asked = new ArrayList<>();
        DrillSpec budgeted = new DrillSpec("shop-quarterly", List.of(), Optional.empty(), Optional.of(Duration.ofMinutes(10)), 0.0);
        show(runner.run(budgeted, recordingWithin(DumpFixtures.goodBackup(now), asked)));
        DrillSpec unbudgeted = new DrillSpec("shop-quarterly", List.of(), Optional.empty(), Optional.empty(), 0.0);
        show(runner.run(unbudgeted, recordingWithin(DumpFixtures.goodBackup(now), asked)));

        assertEquals(List.of(Duration.ofMinutes(20).plus(DrillRunner.STORAGE_GRACE), Sandbox.RESTORE_LIMIT.plus(DrillRunner.STORAGE_GRACE)),
                asked);
    }

    /** {@code backup}, noting the time each open gives its reads. */
    private static FixtureBackup recordingWithin(FixtureBackup backup, List<Duration> asked) {
        return backup.withOpener((steps, within) -> {
            asked.add(within);
            return backup.opener().open(steps, within);
        });
    }

    @Test
    void aCanaryTheDumpLacksFails() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.canaryNotInDumpBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("canary row canary-0000deadbeef written at 2025-02-01T03:00:00Z is missing: this backup does not"
                + " hold that moment's data", r.reason());
    }

    @Test
    void aChecksumMismatchFailsTheDrillEvenThoughTheRestoreSucceeded() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.checksumMismatchBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("checksum mismatch: manifest says 3f2a…, object is 9b1c…", r.reason());
        assertEquals(List.of("sandbox", "fetch", "verify", "restore", "checks", "teardown"),
                r.steps().stream().map(StepResult::name).toList(),
                "the backup's own steps, the runner's record of the failure, RPO only");
        assertEquals(Outcome.FAILED, step(r, "restore").status());
        assertEquals(List.of("backup age (RPO)"), r.checks().stream().map(CheckResult::name).toList(),
                "no check runs on data that is not the data backed up");
    }

    @Test
    void aSandboxThatStopsReadingEarlyStillHasTheWholeBackupVerified() {
        DrillResult r = show(new DrillRunner(readsOneByte(false), Clock.systemUTC()).run(shopQuarterly(),
                DumpFixtures.checksumMismatchBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("checksum mismatch: manifest says 3f2a…, object is 9b1c…", r.reason());
    }

    @Test
    void aDamagedBackupIsNamedBeforeTheRestoreToolsComplaint() {
        DrillResult r = show(new DrillRunner(readsOneByte(true), Clock.systemUTC()).run(shopQuarterly(),
                DumpFixtures.checksumMismatchBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("checksum mismatch: manifest says 3f2a…, object is 9b1c…", r.reason(),
                "the restore tool failed on a backup that is not the one written: the backup is the reason");
    }

    /**
     * Ephemeral sandboxes whose restore reads one byte and returns (or fails, as a restore tool
     * that gives up early would), leaving the rest of the stream to the runner.
     */
    private SandboxProvider readsOneByte(boolean thenFail) {
        return restoringAs((real, dump, dumpFormat, limit) -> {
            try {
                dump.read();
            } catch (IOException e) {
                throw new DumpReadException(e);
            }
            if (thenFail) {
                throw new RestoreFailedException("pg_restore: error: input file is too short");
            }
        });
    }

    /** What a sandbox of {@link #restoringAs} does instead of its restore; {@code real} is the sandbox. */
    @FunctionalInterface
    private interface Restore {
        void restore(Sandbox real, InputStream dump, String dumpFormat, Duration limit) throws DumpReadException, RestoreFailedException;
    }

    /** Ephemeral sandboxes that restore as {@code restore} says. */
    private SandboxProvider restoringAs(Restore restore) {
        SandboxProvider real = new EphemeralPostgresSandboxProvider(PostgresInstallations.discover(), clusters);
        return new SandboxProvider() {
            @Override
            public String kind() {
                return real.kind();
            }

            @Override
            public Sandbox create(SandboxRequest request) throws SandboxRefusedException, SandboxUnavailableException {
                Sandbox s = real.create(request);
                return new Sandbox() {
                    @Override
                    public String describe() {
                        return s.describe();
                    }

                    @Override
                    public List<String> warnings() {
                        return s.warnings();
                    }

                    @Override
                    public void restore(InputStream dump, String dumpFormat, Duration limit) throws DumpReadException, RestoreFailedException {
                        restore.restore(s, dump, dumpFormat, limit);
                    }

                    @Override
                    public QueryResult query(String sql, Duration timeout) throws QueryFailedException {
                        return s.query(sql, timeout);
                    }

                    @Override
                    public Map<String, Long> rowCounts(Duration timeout) throws QueryFailedException {
                        return s.rowCounts(timeout);
                    }

                    @Override
                    public void close() {
                        s.close();
                    }
                };
            }
        };
    }

    @Test
    void anUnreachableBucketErrors() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.bucketUnreachableBackup(now)));

        assertEquals(Outcome.ERRORED, r.outcome());
        assertTrue(r.reason().startsWith("could not read backup ") && r.reason().endsWith(": s3://lifeboat-vault/shop/:"
                + " connect timed out"), r.reason());
    }

    @Test
    void aStaleBackupInAnUnreachableBucketFailsOnRpo() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.bucketUnreachableBackup(now.minus(Duration.ofDays(3)))));

        assertEquals(Outcome.FAILED, r.outcome(), "FAILED beats ERRORED: a real defect is never hidden");
        assertTrue(r.reason().startsWith("backup is 72h"), r.reason());
    }

    @Test
    void aSandboxThatCannotBeMadeErrors() {
        SandboxProvider noBinaries = new EphemeralPostgresSandboxProvider(PostgresInstallations.of(List.of()), clusters);
        DrillResult r = new DrillRunner(noBinaries, Clock.systemUTC()).run(shopQuarterly(), DumpFixtures.goodBackup(now));

        assertEquals(Outcome.ERRORED, r.outcome());
        assertTrue(r.reason().startsWith("could not create the ephemeral sandbox: no PostgreSQL server binaries"), r.reason());
        assertEquals(Outcome.ERRORED, step(r, "sandbox").status());
    }

    @Test
    void aCheckThatTimesOutErrors() {
        DrillResult r = show(runner.run(shopQuarterly(new SqlCheck("slow", "SELECT pg_sleep(30)", Expectation.parse("true"),
                Duration.ofMillis(500))), DumpFixtures.goodBackup(now)));

        assertEquals(Outcome.ERRORED, r.outcome());
        assertEquals("check \"slow\": did not answer within 500 ms", r.reason());
        assertTrue(check(r, "slow").duration().compareTo(Duration.ofSeconds(5)) < 0);
    }

    @Test
    void aFailedCheckOutranksAnEarlierErroredOne() {
        DrillResult r = show(runner.run(shopQuarterly(
                new SqlCheck("slow", "SELECT pg_sleep(30)", Expectation.parse("true"), Duration.ofMillis(300)),
                new SqlCheck("no refunds", "SELECT count(*) FROM orders WHERE status = 'refunded'", Expectation.parse("= 0"),
                        TIMEOUT)), DumpFixtures.goodBackup(now)));

        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals("check \"no refunds\": expected = 0, got 100 (and 1 more problem)", r.reason());
    }

    @Test
    void aCheckThatThrowsErrorsInsteadOfCrashingTheDrill() {
        Check broken = new Check() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public CheckResult run(io.lifeboat.drills.check.CheckContext context) {
                throw new IllegalStateException("bug in a check");
            }
        };
        DrillResult r = show(runner.run(shopQuarterly(broken), DumpFixtures.goodBackup(now)));

        assertEquals(Outcome.ERRORED, r.outcome());
        assertEquals("check \"broken\": the check stopped unexpectedly: bug in a check", r.reason());
    }

    @Test
    void aBackupThatThrowsUnexpectedlyErrors() {
        FixtureBackup buggy = DumpFixtures.goodBackup(now).withOpener((steps, within) -> {
            throw new NullPointerException("a bug in the orchestrator");
        });
        DrillResult r = show(runner.run(shopQuarterly(), buggy));

        assertEquals(Outcome.ERRORED, r.outcome());
        assertTrue(r.reason().endsWith("a bug in the orchestrator"), r.reason());
    }

    @Test
    void theSandboxWarningsReachTheResult() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.goodBackup(now).withServerVersion("99.0")));

        assertEquals(Outcome.PASSED, r.outcome(), r.reason());
        assertEquals(1, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).contains("PostgreSQL 99"), r.warnings().get(0));
    }

    @Test
    void progressIsReportedAndAListenerThatThrowsChangesNothing() {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        long[] lastBytes = {0};
        DrillProgress recording = new DrillProgress() {
            @Override
            public void step(String name) {
                events.add(name);
            }

            @Override
            public void restored(long bytes, long total) {
                lastBytes[0] = bytes;
            }

            @Override
            public void check(int index, int total, String name) {
                events.add(index + "/" + total + " " + name);
            }
        };
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.goodBackup(now), runner.newRunId(), recording));
        assertEquals(Outcome.PASSED, r.outcome(), r.reason());
        assertEquals(List.of("sandbox", "restore", "checks", "1/6 backup age (RPO)", "2/6 restore time (RTO)", "3/6 row counts",
                "4/6 canary", "5/6 orders present", "6/6 recent orders", "teardown"), events);
        assertTrue(lastBytes[0] > 0, "restored bytes reported");

        DrillProgress throwing = new DrillProgress() {
            @Override
            public void step(String name) {
                throw new IllegalStateException("a broken terminal");
            }

            @Override
            public void restored(long bytes, long total) {
                throw new IllegalStateException("a broken terminal");
            }
        };
        DrillResult quiet = runner.run(shopQuarterly(), DumpFixtures.goodBackup(now), runner.newRunId(), throwing);
        assertEquals(Outcome.PASSED, quiet.outcome(), quiet.reason());
    }

    @Test
    void aRunIdGivenByTheCallerIsKept() {
        DrillResult r = show(runner.run(shopQuarterly(), DumpFixtures.goodBackup(now), "catalog-42"));
        assertEquals("catalog-42", r.runId());
        DrillResult generated = runner.run(new DrillSpec("x", List.of(), Optional.empty(), Optional.empty(), 0),
                DumpFixtures.goodBackup(now));
        assertTrue(generated.runId().matches("\\d{8}T\\d{6}-[0-9a-f]{6}"), generated.runId());
    }

    /** Prints what a person would read, so the test log documents every reason. */
    static DrillResult show(DrillResult r) {
        System.out.printf("%-8s %s%n", r.outcome(), r.reason());
        return r;
    }

    static StepResult step(DrillResult r, String name) {
        return r.steps().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + r.steps()));
    }

    static CheckResult check(DrillResult r, String name) {
        return r.checks().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + r.checks()));
    }

    static void assertEmpty(Path dir, String what) throws IOException {
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), what + " left behind");
        }
    }
}
