package io.lifeboat.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.config.CatalogConfig;
import io.lifeboat.drills.Outcome;
import io.lifeboat.testing.TestDirs;
import io.lifeboat.testing.ThrowawayPostgres;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalog on both of its databases, real ones: an H2 file in a fresh state directory and a
 * throwaway database on the machine's PostgreSQL. Runs go in and come back out as they went in;
 * the schema is applied once and survives reopening; trigger requests are claimed exactly once;
 * job locks exclude a second holder and come free on close.
 */
class CatalogTest {
    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");

    private TestDirs dirs;
    private ThrowawayPostgres pg;

    @AfterEach
    void cleanUp() {
        if (pg != null) {
            pg.close();
        }
        if (dirs != null) {
            dirs.close();
        }
    }

    static Stream<String> databases() {
        return Stream.of("h2", "postgres");
    }

    private CatalogConfig config(String kind) {
        dirs = TestDirs.create("catalog-" + kind);
        if (kind.equals("h2")) {
            return CatalogConfig.inStateDir(dirs.dir);
        }
        pg = ThrowawayPostgres.create("catalog");
        return new CatalogConfig(pg.jdbcUrl(), Optional.of("postgres"), Optional.empty());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void backupAndDrillRunsComeBackAsRecorded(String kind) {
        Catalog catalog = new Catalog(CatalogDatabase.open(config(kind)));
        BackupRecord failed = new BackupRecord("shop", Optional.empty(), BackupOutcome.FAILED, "pg_dump: connection refused",
                T0, T0.plusSeconds(2), -1, -1, Optional.empty(), RunOrigin.SCHEDULE, "node-a:1");
        BackupRecord ok = new BackupRecord("shop", Optional.of("20261124T040000Z-3f2a9c1b"), BackupOutcome.SUCCEEDED, "stored",
                T0.plusSeconds(3600), T0.plusSeconds(3700), 1_000_000, 250_000,
                Optional.of("shop/2026/11/24/20261124T040000Z-3f2a9c1b.dump.zst.age"), RunOrigin.CLI, "node-a:2");
        catalog.recordBackup(failed);
        catalog.recordBackup(ok);
        catalog.recordBackup(new BackupRecord("other", Optional.of("20261124T050000Z-00000000"), BackupOutcome.SUCCEEDED, "x",
                T0.plusSeconds(7200), T0.plusSeconds(7201), 1, 1, Optional.empty(), RunOrigin.CLI, "n"));

        assertEquals(List.of(ok, failed), catalog.backupRuns("shop", 10));
        assertEquals(Optional.of(ok), catalog.lastSuccessfulBackup("shop"));
        assertEquals(Optional.empty(), catalog.lastSuccessfulBackup("nothing"));

        DrillRecord passed = new DrillRecord("shop-drill", "shop", "20261124T050000-a1b2c3", Optional.of("20261124T040000Z-3f2a9c1b"),
                Outcome.PASSED, "restored 3 tables", T0.plusSeconds(7200), T0.plusSeconds(7260),
                Optional.of(Duration.ofMinutes(20)), Optional.of(Duration.ofMillis(41_250)), RunOrigin.SCHEDULE, "node-b:7");
        DrillRecord errored = new DrillRecord("shop-drill", "shop", "20261124T060000-d4e5f6", Optional.empty(), Outcome.ERRORED,
                "x".repeat(5000), T0.plusSeconds(10_800), T0.plusSeconds(10_801), Optional.empty(), Optional.empty(),
                RunOrigin.TRIGGER, "node-b:7");
        catalog.recordDrill(passed);
        catalog.recordDrill(errored);
        List<DrillRecord> runs = catalog.drillRuns("shop-drill", 10);
        assertEquals(2, runs.size());
        assertEquals(passed, runs.get(1));
        assertEquals(Catalog.MAX_REASON, runs.get(0).reason().length(), "a long reason is clipped, not refused");
        assertEquals(Optional.of(passed), catalog.lastPassingDrill("shop-drill"));

        // The report's batch queries say the same, for every item asked about; one without runs is absent.
        assertEquals(List.of(ok, failed), catalog.recentBackupRuns(List.of("shop", "other", "nothing"), 10).get("shop"));
        assertEquals(List.of(ok), catalog.recentBackupRuns(List.of("shop"), 1).get("shop"));
        assertEquals(ok, catalog.lastSuccessfulBackups(List.of("shop", "other", "nothing")).get("shop"));
        assertEquals(2, catalog.lastSuccessfulBackups(List.of("shop", "other", "nothing")).size());
        assertEquals(runs, catalog.recentDrillRuns(List.of("shop-drill", "nothing"), 10).get("shop-drill"));
        assertEquals(java.util.Map.of("shop-drill", passed.startedAt()), catalog.lastPassingDrillTimes(List.of("shop-drill", "nothing")));
    }

    /**
     * The report's queries with many runs per item: the newest N come back newest first, a tie on
     * the start time goes to the run recorded later, and an item whose runs all failed has recent
     * runs but no newest success.
     */
    @ParameterizedTest
    @MethodSource("databases")
    void theReportsQueriesTakeTheNewestRunsOfEachItem(String kind) {
        Catalog catalog = new Catalog(CatalogDatabase.open(config(kind)));
        List<DrillRecord> drills = new java.util.ArrayList<>();
        List<BackupRecord> backups = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // every pair of runs shares its start time; the even one passed (succeeded), the odd one failed
            Instant t = T0.plusSeconds(60L * (i / 2));
            boolean ok = i % 2 == 0;
            for (String item : List.of("many", "all-failed")) {
                boolean passed = ok && item.equals("many");
                DrillRecord d = new DrillRecord(item, "shop", item + "-" + i, Optional.empty(), passed ? Outcome.PASSED : Outcome.FAILED,
                        "r" + i, t, t.plusSeconds(1), Optional.empty(), Optional.empty(), RunOrigin.SCHEDULE, "n");
                BackupRecord b = new BackupRecord(item, passed ? Optional.of("id-" + i) : Optional.empty(),
                        passed ? BackupOutcome.SUCCEEDED : BackupOutcome.FAILED, "r" + i, t, t.plusSeconds(1), 1, 1,
                        Optional.empty(), RunOrigin.SCHEDULE, "n");
                catalog.recordDrill(d);
                catalog.recordBackup(b);
                if (item.equals("many")) {
                    drills.add(0, d);
                    backups.add(0, b);
                }
            }
        }
        assertEquals(drills.subList(0, 20), catalog.recentDrillRuns(List.of("many", "all-failed", "none"), 20).get("many"));
        assertEquals(backups.subList(0, 20), catalog.recentBackupRuns(List.of("many", "all-failed", "none"), 20).get("many"));
        assertEquals("all-failed-29", catalog.recentDrillRuns(List.of("all-failed"), 20).get("all-failed").get(0).runId());
        assertEquals(20, catalog.recentBackupRuns(List.of("all-failed"), 20).get("all-failed").size());
        // run 29 (failed) and run 28 (passed) started together: 29 is the newest run, 28 the newest pass
        assertEquals("many-29", drills.get(0).runId());
        assertEquals(java.util.Map.of("many", drills.get(1).startedAt()),
                catalog.lastPassingDrillTimes(List.of("many", "all-failed", "none")));
        assertEquals(java.util.Map.of("many", backups.get(1)), catalog.lastSuccessfulBackups(List.of("many", "all-failed", "none")));
        assertEquals(java.util.Map.of(), catalog.lastPassingDrillTimes(List.of()));
    }

    /**
     * The recent tables hold each item's newest runs and no more, whatever order runs arrive in (a
     * catalog sync adds old backups after new ones), and with several writers at once: eight
     * threads append 30 runs each to one drill and one source, out of time order; afterwards the
     * recent runs are exactly the newest 20 of the run tables.
     */
    @ParameterizedTest
    @MethodSource("databases")
    void theRecentRunsStayTheNewestWithManyWritersAndRunsOutOfOrder(String kind) throws Exception {
        Catalog catalog = new Catalog(CatalogDatabase.open(config(kind)));
        int writers = 8;
        int each = 30;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        // a spread of start times, newest and oldest interleaved between writers
                        Instant t = T0.plusSeconds(60L * ((i * 7919L + writer * 104_729L) % 10_000));
                        catalog.recordDrill(new DrillRecord("busy", "shop", "w" + writer + "-" + i, Optional.empty(),
                                i % 3 == 0 ? Outcome.FAILED : Outcome.PASSED, "r", t, t.plusSeconds(1), Optional.empty(),
                                Optional.empty(), RunOrigin.SCHEDULE, "n"));
                        catalog.addBackupIfAbsent(new BackupRecord("shop", Optional.of("b" + writer + "-" + i),
                                BackupOutcome.SUCCEEDED, "found", t, t.plusSeconds(1), 1, 1, Optional.of("k"), RunOrigin.SYNC, "n"));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(writers * each, catalog.drillRuns("busy", 1000).size(), "every run recorded");
        assertEquals(catalog.drillRuns("busy", 20), catalog.recentDrillRuns(List.of("busy"), 20).get("busy"));
        assertEquals(catalog.backupRuns("shop", 20), catalog.recentBackupRuns(List.of("shop"), 20).get("shop"));
        assertEquals(catalog.drillRuns("busy", 5), catalog.recentDrillRuns(List.of("busy"), 5).get("busy"));
        // One more run from a single writer trims what concurrent trims may have left.
        catalog.recordDrill(new DrillRecord("busy", "shop", "last", Optional.empty(), Outcome.PASSED, "r", T0, T0,
                Optional.empty(), Optional.empty(), RunOrigin.CLI, "n"));
        catalog.addBackupIfAbsent(new BackupRecord("shop", Optional.of("last"), BackupOutcome.SUCCEEDED, "found", T0, T0, 1, 1,
                Optional.of("k"), RunOrigin.SYNC, "n"));
        assertEquals(Catalog.RECENT_KEPT, recentRows(catalog, "lifeboat_recent_drill_run"));
        assertEquals(Catalog.RECENT_KEPT, recentRows(catalog, "lifeboat_recent_backup_run"));
        assertEquals(catalog.drillRuns("busy", 20), catalog.recentDrillRuns(List.of("busy"), 20).get("busy"));
    }

    private static int recentRows(Catalog catalog, String table) throws Exception {
        try (Connection c = catalog.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aBackupFromTheBucketIsAddedOnce(String kind) {
        Catalog catalog = new Catalog(CatalogDatabase.open(config(kind)));
        BackupRecord found = new BackupRecord("shop", Optional.of("20261124T040000Z-3f2a9c1b"), BackupOutcome.SUCCEEDED,
                "found", T0, T0.plusSeconds(5), 10, 5, Optional.of("k"), RunOrigin.SYNC, "n");
        assertTrue(catalog.addBackupIfAbsent(found));
        assertFalse(catalog.addBackupIfAbsent(found));
        assertEquals(1, catalog.backupRuns("shop", 10).size());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void schemaIsVersionedAndAppliedOnce(String kind) throws Exception {
        CatalogConfig cfg = config(kind);
        CatalogDatabase first = CatalogDatabase.open(cfg);
        new Catalog(first).recordBackup(new BackupRecord("shop", Optional.empty(), BackupOutcome.ERRORED, "r", T0, T0, -1, -1,
                Optional.empty(), RunOrigin.CLI, "n"));
        CatalogDatabase again = CatalogDatabase.open(cfg);
        try (Connection c = again.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), max(version) FROM lifeboat_schema")) {
            rs.next();
            assertEquals(CatalogDatabase.SCHEMA_VERSION, rs.getInt(1), "each version once");
            assertEquals(CatalogDatabase.SCHEMA_VERSION, rs.getInt(2));
        }
        assertEquals(1, new Catalog(again).backupRuns("shop", 10).size(), "reopening keeps the record");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void restoreEventsComeBackInOrderPerRequestAndWithoutACode(String kind) throws Exception {
        Catalog catalog = new Catalog(CatalogDatabase.open(config(kind)));
        String backup = "20261124T040000Z-3f2a9c1b";
        RestoreEventRecord requested = new RestoreEventRecord(T0, "REQUESTED", "20261124T050000Z-a1b2c3d4", "shop", backup,
                "shop_restored_20261124t050000z", 998, "lifeboat", "requested by lifeboat (uid 998), expires ...");
        RestoreEventRecord other = new RestoreEventRecord(T0.plusSeconds(1), "REFUSED", "tty-2026-11-24T050001Z", "shop", backup,
                "shop_restored_20261124t050001z", 1000, "agent", "no controlling terminal: a person must run --apply");
        // the same instant as the request: the order recorded decides, not the clock
        RestoreEventRecord approved = new RestoreEventRecord(T0, "APPROVED", requested.requestId(), "shop", backup,
                requested.database(), 0, "root", "approved; requested by lifeboat (uid 998)");
        RestoreEventRecord restored = new RestoreEventRecord(T0.plusSeconds(90), "RESTORED", requested.requestId(), "shop",
                backup, requested.database(), 0, "root", "x".repeat(Catalog.MAX_REASON + 10));
        for (RestoreEventRecord r : List.of(requested, other, approved, restored)) {
            catalog.recordRestoreEvent(r);
        }
        RestoreEventRecord clipped = new RestoreEventRecord(restored.recordedAt(), restored.event(), restored.requestId(),
                "shop", backup, restored.database(), 0, "root", "x".repeat(Catalog.MAX_REASON - 1) + "…");
        assertEquals(List.of(requested, approved, clipped), catalog.restoreEvents(requested.requestId()));
        assertEquals(List.of(requested, other, approved, clipped), catalog.restoreEvents());
        assertEquals(List.of(), catalog.restoreEvents("nothing"));
        // the table has no place for a code or its hash
        try (Connection c = catalog.database().connect();
             ResultSet rs = c.getMetaData().getColumns(null, null, kind.equals("h2") ? "LIFEBOAT_RESTORE_EVENT"
                     : "lifeboat_restore_event", null)) {
            List<String> columns = new java.util.ArrayList<>();
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT));
            }
            assertEquals(List.of("id", "request_id", "source", "event", "backup_id", "target_database", "os_uid", "os_user",
                    "reason", "recorded_at"), columns);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aVersionOneCatalogGainsTheRestoreEventsAndKeepsItsRuns(String kind) throws Exception {
        CatalogConfig cfg = config(kind);
        CatalogDatabase old = CatalogDatabase.connectOnly(cfg);
        try (Connection c = old.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lifeboat_schema (version INT NOT NULL)");
            for (String statement : CatalogDatabase.statements("V1.sql")) {
                s.execute(statement);
            }
            s.execute("INSERT INTO lifeboat_schema (version) VALUES (1)");
        }
        BackupRecord run = new BackupRecord("shop", Optional.empty(), BackupOutcome.ERRORED, "r", T0, T0, -1, -1,
                Optional.empty(), RunOrigin.CLI, "n");
        // 25 runs of a drill, written as a version-1 lifeboat wrote them: into the run tables only
        try (Connection c = old.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO lifeboat_backup_run (source, outcome, reason, started_at, finished_at, origin, node)"
                    + " VALUES ('shop', 'ERRORED', 'r', TIMESTAMP WITH TIME ZONE '2026-11-24 03:00:00+00',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-24 03:00:00+00', 'CLI', 'n')");
            for (int i = 0; i < 25; i++) {
                s.execute("INSERT INTO lifeboat_drill_run (drill, source, run_id, outcome, reason, started_at, finished_at, origin, node)"
                        + " VALUES ('shop-drill', 'shop', 'old-" + i + "', 'PASSED', 'ok', TIMESTAMP WITH TIME ZONE '2026-11-"
                        + (1 + i) + " 03:00:00+00', TIMESTAMP WITH TIME ZONE '2026-11-" + (1 + i) + " 03:00:00+00', 'CLI', 'n')");
            }
        }
        old.close();
        Catalog upgraded = new Catalog(CatalogDatabase.open(cfg));
        assertEquals(List.of(run), upgraded.backupRuns("shop", 10));
        // the upgrade copied each item's 20 newest runs into the report's recent tables
        assertEquals(List.of(run), upgraded.recentBackupRuns(List.of("shop"), 20).get("shop"));
        assertEquals(upgraded.drillRuns("shop-drill", 20), upgraded.recentDrillRuns(List.of("shop-drill"), 20).get("shop-drill"));
        assertEquals("old-24", upgraded.recentDrillRuns(List.of("shop-drill"), 20).get("shop-drill").get(0).runId());
        assertEquals(20, recentRows(upgraded, "lifeboat_recent_drill_run"));
        RestoreEventRecord e = new RestoreEventRecord(T0, "REFUSED", "r1", "shop", "b", "d", 0, "root", "why");
        upgraded.recordRestoreEvent(e);
        assertEquals(List.of(e), upgraded.restoreEvents("r1"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theNewestAuditOfEachTargetIsKept(String kind) {
        Catalog catalog = new Catalog(CatalogDatabase.open(config(kind)));
        assertTrue(catalog.latestAudits().isEmpty());
        catalog.recordAudit(new AuditRecord("vault", AuditOutcome.FAIL, "FAIL writer get: allowed", T0, T0.plusSeconds(3),
                RunOrigin.SCHEDULE, "n"));
        AuditRecord newest = new AuditRecord("vault", AuditOutcome.WARN, "WARN writer account: unknown", T0.plusSeconds(60),
                T0.plusSeconds(63), RunOrigin.CLI, "n");
        catalog.recordAudit(newest);
        AuditRecord other = new AuditRecord("offsite", AuditOutcome.ERRORED, "x".repeat(5000), T0, T0.plusSeconds(1),
                RunOrigin.TRIGGER, "n");
        catalog.recordAudit(other);
        var latest = catalog.latestAudits();
        assertEquals(2, latest.size());
        assertEquals(newest, latest.get("vault"));
        assertEquals(AuditOutcome.ERRORED, latest.get("offsite").outcome());
        assertEquals(Catalog.MAX_REASON, latest.get("offsite").worst().length(), "a long finding is clipped, not refused");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aTriggerRequestIsClaimedExactlyOnce(String kind) {
        Catalog catalog = new Catalog(CatalogDatabase.open(config(kind)));
        long id = catalog.requestRun(JobKind.DRILL, "shop-drill", T0, "agent@app-host");
        assertEquals(Optional.empty(), catalog.claimedBy(id));
        List<TriggerRequest> claimed = catalog.claimRequests("node-a:1", T0.plusSeconds(1));
        assertEquals(List.of(new TriggerRequest(id, JobKind.DRILL, "shop-drill", T0, "agent@app-host")), claimed);
        assertEquals(List.of(), catalog.claimRequests("node-b:2", T0.plusSeconds(2)));
        assertEquals(Optional.of("node-a:1"), catalog.claimedBy(id));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aJobLockExcludesASecondHolderUntilReleased(String kind) {
        CatalogDatabase db = CatalogDatabase.open(config(kind));
        JobLocks locks = new JobLocks(dirs.dir, db);
        try (JobLocks.Held held = locks.tryAcquire(JobKind.BACKUP, "shop").orElseThrow()) {
            assertTrue(locks.tryAcquire(JobKind.BACKUP, "shop").isEmpty(), "the same job twice");
            try (JobLocks.Held other = locks.tryAcquire(JobKind.DRILL, "shop").orElseThrow()) {
                assertTrue(other != null, "another job is not blocked");
            }
        }
        locks.tryAcquire(JobKind.BACKUP, "shop").orElseThrow().close();
    }

    @Test
    void theH2CatalogHasAPrivatePasswordAndRefusesOthers() throws Exception {
        CatalogConfig cfg = config("h2");
        CatalogDatabase.open(cfg);
        var password = dirs.dir.resolve("lifeboat.password");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(password));
        CatalogDatabase wrongUser = CatalogDatabase.connectOnly(new CatalogConfig(cfg.jdbcUrl(), Optional.of("sa"), Optional.empty()));
        CatalogException e = assertThrows(CatalogException.class, wrongUser::connect);
        assertFalse(e.getMessage().contains(Files.readString(password).strip()), "the password leaked into the message");
    }
}
