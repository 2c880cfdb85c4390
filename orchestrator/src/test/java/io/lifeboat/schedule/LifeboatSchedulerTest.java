package io.lifeboat.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.catalog.CatalogDatabase;
import io.lifeboat.catalog.JobKind;
import io.lifeboat.config.CatalogConfig;
import io.lifeboat.testing.TestDirs;
import io.lifeboat.testing.ThrowawayPostgres;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

/**
 * The scheduler's reconcile against a real job store, on H2 and on the machine's PostgreSQL, in
 * this JVM: the rows {@link JobStoreBulkInsert} writes at start-up are the rows Quartz writes
 * itself (so a Quartz upgrade that changes them fails here), an unchanged job is left alone, a
 * changed cron is rewritten, a batch that meets a job stored meanwhile writes nothing, and a job
 * still running on some node is left to Quartz, which stores its trigger blocked.
 */
class LifeboatSchedulerTest {
    private static final String CRON = "0 0 3 1 1 ?"; // New Year, 03:00: never fires while a test runs
    /** Closed last to first after each test: the scheduler before its database. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private LifeboatScheduler scheduler;

    @AfterEach
    void cleanUp() throws Exception {
        if (scheduler != null) {
            scheduler.stop(Duration.ZERO);
        }
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    /** An H2 file in a fresh state directory, or a throwaway database on the machine's PostgreSQL. */
    private CatalogDatabase open(String kind) {
        TestDirs dirs = TestDirs.create("scheduler-" + kind);
        opened.push(dirs);
        if (kind.equals("h2")) {
            return CatalogDatabase.open(CatalogConfig.inStateDir(dirs.dir));
        }
        ThrowawayPostgres pg = ThrowawayPostgres.create("scheduler");
        opened.push(pg);
        return CatalogDatabase.open(new CatalogConfig(pg.jdbcUrl(), Optional.of("postgres"), Optional.empty()));
    }

    private LifeboatScheduler scheduler(CatalogDatabase db) {
        scheduler = LifeboatScheduler.create(db, (kind, name, origin) -> "SUCCEEDED", line -> { }, Clock.systemUTC());
        return scheduler;
    }

    private static ScheduledJob backup(String name, String cron) {
        return new ScheduledJob(JobKind.BACKUP, name, Optional.ofNullable(cron));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void batchedRowsAreTheRowsQuartzWrites(String kind) throws Exception {
        CatalogDatabase db = open(kind);
        LifeboatScheduler s = scheduler(db);
        ScheduledJob batched = backup("batched", CRON);
        JobKey key = JobKey.jobKey(batched.jobName(), LifeboatScheduler.GROUP);
        assertTrue(JobStoreBulkInsert.insert(db, "lifeboat", Map.of(LifeboatScheduler.jobDetail(batched, key),
                Set.of(LifeboatScheduler.cronTrigger(TriggerKey.triggerKey(batched.jobName(), LifeboatScheduler.GROUP), key, CRON)))));
        s.start(); // a running scheduler stores new jobs through Quartz
        assertEquals(List.of("backup.quartz"), s.reconcile(List.of(batched, backup("quartz", CRON))).added());

        assertEquals(row(db, "JOB_DETAILS", "JOB_NAME", "backup.quartz"), row(db, "JOB_DETAILS", "JOB_NAME", "backup.batched"));
        Map<String, String> quartzTrigger = row(db, "TRIGGERS", "TRIGGER_NAME", "backup.quartz");
        Map<String, String> batchedTrigger = row(db, "TRIGGERS", "TRIGGER_NAME", "backup.batched");
        assertEquals("WAITING", batchedTrigger.get("TRIGGER_STATE"));
        // made a moment apart: the start times differ, and nothing else
        assertTrue(Long.parseLong(batchedTrigger.remove("START_TIME")) <= Long.parseLong(quartzTrigger.remove("START_TIME")));
        assertEquals(quartzTrigger, batchedTrigger);
        assertEquals(row(db, "CRON_TRIGGERS", "TRIGGER_NAME", "backup.quartz"), row(db, "CRON_TRIGGERS", "TRIGGER_NAME", "backup.batched"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void anUnchangedJobIsNotRewrittenAChangedCronIsAndAGoneJobIsRemoved(String kind) throws Exception {
        CatalogDatabase db = open(kind);
        LifeboatScheduler s = scheduler(db);
        var first = s.reconcile(List.of(backup("same", CRON), backup("moved", CRON), backup("gone", CRON), backup("manual", null)));
        assertEquals(List.of("backup.gone", "backup.manual", "backup.moved", "backup.same"), first.added());
        // As if a fire time had passed while no scheduler ran: a rewrite would lose this pending misfire.
        long missed = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        try (Connection c = db.connect();
             PreparedStatement p = c.prepareStatement("UPDATE QRTZ_TRIGGERS SET NEXT_FIRE_TIME = ? WHERE TRIGGER_NAME = 'backup.same'")) {
            p.setLong(1, missed);
            assertEquals(1, p.executeUpdate());
        }
        Map<String, String> sameJob = row(db, "JOB_DETAILS", "JOB_NAME", "backup.same");
        s.stop(Duration.ZERO); // a restart with a changed configuration

        var second = scheduler(db).reconcile(List.of(backup("same", CRON), backup("moved", "0 30 4 * * ?"), backup("manual", null)));
        assertEquals(List.of(), second.added());
        assertEquals(List.of("backup.moved"), second.changed());
        assertEquals(List.of("backup.gone"), second.removed());
        assertEquals(List.of("backup.manual", "backup.same"), second.unchanged());
        assertEquals(Long.toString(missed), row(db, "TRIGGERS", "TRIGGER_NAME", "backup.same").get("NEXT_FIRE_TIME"));
        assertEquals(sameJob, row(db, "JOB_DETAILS", "JOB_NAME", "backup.same"));
        assertEquals("0 30 4 * * ?", row(db, "CRON_TRIGGERS", "TRIGGER_NAME", "backup.moved").get("CRON_EXPRESSION"));
        assertTrue(row(db, "JOB_DETAILS", "JOB_NAME", "backup.gone").isEmpty());
        assertTrue(row(db, "TRIGGERS", "TRIGGER_NAME", "backup.gone").isEmpty());
        assertTrue(row(db, "TRIGGERS", "TRIGGER_NAME", "backup.manual").isEmpty(), "a job without a schedule has no trigger");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aBatchMeetingAJobStoredMeanwhileWritesNothing(String kind) throws Exception {
        CatalogDatabase db = open(kind);
        scheduler(db).reconcile(List.of(backup("taken", CRON)));
        ScheduledJob taken = backup("taken", CRON);
        ScheduledJob fresh = backup("fresh", CRON);
        Map<JobDetail, Set<? extends Trigger>> batch = new LinkedHashMap<>();
        for (ScheduledJob j : List.of(fresh, taken)) {
            JobKey key = JobKey.jobKey(j.jobName(), LifeboatScheduler.GROUP);
            batch.put(LifeboatScheduler.jobDetail(j, key),
                    Set.of(LifeboatScheduler.cronTrigger(TriggerKey.triggerKey(j.jobName(), LifeboatScheduler.GROUP), key, CRON)));
        }
        assertThrows(SQLException.class, () -> JobStoreBulkInsert.insert(db, "lifeboat", batch));
        assertTrue(row(db, "JOB_DETAILS", "JOB_NAME", "backup.fresh").isEmpty(), "all or nothing");
        assertFalse(row(db, "JOB_DETAILS", "JOB_NAME", "backup.taken").isEmpty());
        // Nothing was left half-written that would stop the next reconcile from storing it.
        assertEquals(List.of("backup.fresh"), scheduler.reconcile(List.of(fresh, taken)).added());
        assertFalse(row(db, "TRIGGERS", "TRIGGER_NAME", "backup.fresh").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aJobAddedBackWhileItStillRunsSomewhereIsLeftToQuartzWhichBlocksIt(String kind) throws Exception {
        CatalogDatabase db = open(kind);
        LifeboatScheduler s = scheduler(db); // makes the job store's tables
        // Removed, then added back, while another node still runs it: its fired-trigger row remains.
        try (Connection c = db.connect();
             PreparedStatement p = c.prepareStatement("INSERT INTO QRTZ_FIRED_TRIGGERS (SCHED_NAME, ENTRY_ID, TRIGGER_NAME, TRIGGER_GROUP,"
                     + " INSTANCE_NAME, FIRED_TIME, SCHED_TIME, PRIORITY, STATE, JOB_NAME, JOB_GROUP, IS_NONCONCURRENT, REQUESTS_RECOVERY)"
                     + " VALUES ('lifeboat', 'other-node-1', 'backup.busy', 'lifeboat', 'other-node', 1, 1, 5, 'EXECUTING', 'backup.busy',"
                     + " 'lifeboat', TRUE, FALSE)")) {
            assertEquals(1, p.executeUpdate());
        }
        ScheduledJob busy = backup("busy", CRON);
        JobKey key = JobKey.jobKey(busy.jobName(), LifeboatScheduler.GROUP);
        assertFalse(JobStoreBulkInsert.insert(db, "lifeboat", Map.of(LifeboatScheduler.jobDetail(busy, key),
                Set.of(LifeboatScheduler.cronTrigger(TriggerKey.triggerKey(busy.jobName(), LifeboatScheduler.GROUP), key, CRON)))));
        assertTrue(row(db, "JOB_DETAILS", "JOB_NAME", "backup.busy").isEmpty());

        assertEquals(List.of("backup.busy"), s.reconcile(List.of(busy)).added());
        assertEquals("BLOCKED", row(db, "TRIGGERS", "TRIGGER_NAME", "backup.busy").get("TRIGGER_STATE"),
                "no second run while the first still runs elsewhere");
    }

    /**
     * One row of a Quartz table as text by column, without its own name columns (the job's name
     * in the job data and description is replaced by "NAME"); empty when there is no such row.
     */
    private static Map<String, String> row(CatalogDatabase db, String table, String keyColumn, String jobName) throws Exception {
        Map<String, String> result = new TreeMap<>();
        try (Connection c = db.connect();
             PreparedStatement p = c.prepareStatement("SELECT * FROM QRTZ_" + table + " WHERE " + keyColumn + " = ?")) {
            p.setString(1, jobName);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return result;
                }
                ResultSetMetaData meta = rs.getMetaData();
                String name = jobName.substring(jobName.indexOf('.') + 1);
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnName(i).toUpperCase(Locale.ROOT);
                    if (column.equals("JOB_NAME") || column.equals("TRIGGER_NAME")) {
                        continue;
                    }
                    String value;
                    if (column.equals("JOB_DATA")) {
                        byte[] bytes = rs.getBytes(i);
                        Properties props = new Properties();
                        if (bytes != null) {
                            props.load(new ByteArrayInputStream(bytes)); // the date comment aside, as Quartz reads it
                        }
                        value = new TreeMap<>(props).toString().replace(name, "NAME") + (bytes == null ? " (null)" : "");
                    } else {
                        value = String.valueOf(rs.getObject(i)).replace(name, "NAME");
                    }
                    result.put(column, value);
                }
            }
        }
        return result;
    }
}
