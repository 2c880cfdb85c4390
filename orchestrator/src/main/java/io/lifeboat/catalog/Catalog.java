package io.lifeboat.catalog;

import io.lifeboat.drills.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * The record of backup runs, drill runs, audits, trigger requests and restore steps. Every method opens its own
 * connection: commands are short-lived, and the scheduler's jobs run on their own threads.
 *
 * <p>Writes are appends, apart from claiming a trigger request. Nothing here touches a stored
 * backup: the catalog only describes what the bucket holds.
 */
public final class Catalog {
    /** The longest reason kept; the drill result JSON in the state directory has the full story. */
    static final int MAX_REASON = 4000;
    private static final String SQL_UNIQUE_VIOLATION = "23505";

    /**
     * Runs kept per item in the recent tables (V5.sql), the most a report's timeline shows. The
     * number is also written in V5.sql's backfill.
     */
    public static final int RECENT_KEPT = 20;

    private final CatalogDatabase db;

    public Catalog(CatalogDatabase db) {
        this.db = db;
    }

    public CatalogDatabase database() {
        return db;
    }

    // ---- backups --------------------------------------------------------------------------

    /** Appends a backup run. */
    public void recordBackup(BackupRecord r) {
        insertBackup(r);
    }

    /**
     * Adds a backup found in the bucket unless the catalog already has it (recorded by its run or
     * an earlier sync).
     *
     * @return true when the catalog did not have it
     */
    public boolean addBackupIfAbsent(BackupRecord r) {
        if (r.backupId().isEmpty()) {
            throw new IllegalArgumentException("a backup from the bucket has an id");
        }
        try (Connection c = db.connect();
             PreparedStatement q = c.prepareStatement("SELECT 1 FROM lifeboat_backup_run WHERE source = ? AND backup_id = ?")) {
            q.setString(1, r.source());
            q.setString(2, r.backupId().get());
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        } catch (SQLException e) {
            throw failure("read backup runs", e);
        }
        try {
            insertBackup(r);
            return true;
        } catch (CatalogException e) {
            // Another node added it between our look and our insert: the unique index said so.
            if (e.getCause() instanceof SQLException sql && SQL_UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private void insertBackup(BackupRecord r) {
        appendRun("lifeboat_backup_run", "lifeboat_recent_backup_run", "source", r.source(), BACKUP_COLUMNS, p -> {
                    p.setString(1, r.source());
                    setOptional(p, 2, r.backupId());
                    p.setString(3, r.outcome().name());
                    p.setString(4, clip(r.reason()));
                    p.setObject(5, time(r.startedAt()));
                    p.setObject(6, time(r.finishedAt()));
                    setSize(p, 7, r.rawBytes());
                    setSize(p, 8, r.storedBytes());
                    setOptional(p, 9, r.objectKey());
                    p.setString(10, r.origin().name());
                    p.setString(11, r.node());
                }, "record the backup run of " + r.source());
    }

    /** A source's backup runs, newest first. */
    public List<BackupRecord> backupRuns(String source, int limit) {
        return backups("WHERE source = ? ORDER BY started_at DESC, id DESC", source, limit);
    }

    /** The newest successful backup of a source. */
    public Optional<BackupRecord> lastSuccessfulBackup(String source) {
        return backups("WHERE source = ? AND outcome = 'SUCCEEDED' ORDER BY started_at DESC, id DESC", source, 1)
                .stream().findFirst();
    }

    private static final String BACKUP_COLUMNS = "source, backup_id, outcome, reason, started_at, finished_at, raw_bytes,"
            + " stored_bytes, object_key, origin, node";

    private List<BackupRecord> backups(String where, String source, int limit) {
        return query("SELECT " + BACKUP_COLUMNS + " FROM lifeboat_backup_run " + where + " FETCH FIRST " + limit + " ROWS ONLY",
                p -> p.setString(1, source), Catalog::backupRow, "read the backup runs of " + source);
    }

    /**
     * The named sources' newest runs, at most {@code perSource} each, newest first; a source
     * without runs is absent. Up to {@link #RECENT_KEPT} per source they come from the recent
     * table in one scan (see {@link #recent}); more, from the run table, one indexed query per
     * source on one connection: the ORDER BY (the equality column first) is the order of an index
     * of V3.sql, so each execution reads the first {@code perSource} entries of one index range.
     */
    public Map<String, List<BackupRecord>> recentBackupRuns(Collection<String> sources, int perSource) {
        if (perSource <= RECENT_KEPT) {
            return recent("lifeboat_recent_backup_run", BACKUP_COLUMNS, sources, perSource, Catalog::backupRow,
                    BackupRecord::startedAt, "read recent backup runs");
        }
        return perItem("SELECT " + BACKUP_COLUMNS + " FROM lifeboat_backup_run WHERE source = ?"
                + " ORDER BY source, started_at DESC, id DESC FETCH FIRST " + perSource + " ROWS ONLY", sources, Catalog::backupRow,
                "read recent backup runs");
    }

    /** The named sources' newest successful backup; a source without one is absent. */
    public Map<String, BackupRecord> lastSuccessfulBackups(Collection<String> sources) {
        Map<String, BackupRecord> result = new HashMap<>();
        perItem("SELECT " + BACKUP_COLUMNS + " FROM lifeboat_backup_run WHERE source = ? AND outcome = 'SUCCEEDED'"
                + " ORDER BY source, outcome, started_at DESC, id DESC FETCH FIRST 1 ROWS ONLY", sources, Catalog::backupRow,
                "read the newest successful backups").forEach((k, v) -> result.put(k, v.get(0)));
        return result;
    }

    private static BackupRecord backupRow(ResultSet rs) throws SQLException {
        return new BackupRecord(rs.getString(1), Optional.ofNullable(rs.getString(2)), BackupOutcome.valueOf(rs.getString(3)),
                rs.getString(4), instant(rs, 5), instant(rs, 6), size(rs, 7), size(rs, 8), Optional.ofNullable(rs.getString(9)),
                RunOrigin.valueOf(rs.getString(10)), rs.getString(11));
    }

    // ---- drills ---------------------------------------------------------------------------

    public void recordDrill(DrillRecord r) {
        appendRun("lifeboat_drill_run", "lifeboat_recent_drill_run", "drill", r.drill(), DRILL_COLUMNS, p -> {
                    p.setString(1, r.drill());
                    p.setString(2, r.source());
                    p.setString(3, r.runId());
                    setOptional(p, 4, r.backupId());
                    p.setString(5, r.outcome().name());
                    p.setString(6, clip(r.reason()));
                    p.setObject(7, time(r.startedAt()));
                    p.setObject(8, time(r.finishedAt()));
                    setMillis(p, 9, r.backupAge());
                    setMillis(p, 10, r.restoreDuration());
                    p.setString(11, r.origin().name());
                    p.setString(12, r.node());
                }, "record the drill run of " + r.drill());
    }

    /** A drill's runs, newest first. */
    public List<DrillRecord> drillRuns(String drill, int limit) {
        return drills("WHERE drill = ? ORDER BY started_at DESC, id DESC", drill, limit);
    }

    /** The newest PASSED run of a drill. */
    public Optional<DrillRecord> lastPassingDrill(String drill) {
        return drills("WHERE drill = ? AND outcome = 'PASSED' ORDER BY started_at DESC, id DESC", drill, 1).stream().findFirst();
    }

    private static final String DRILL_COLUMNS = "drill, source, run_id, backup_id, outcome, reason, started_at, finished_at,"
            + " backup_age_ms, restore_ms, origin, node";

    private List<DrillRecord> drills(String where, String drill, int limit) {
        return query("SELECT " + DRILL_COLUMNS + " FROM lifeboat_drill_run " + where + " FETCH FIRST " + limit + " ROWS ONLY",
                p -> p.setString(1, drill), Catalog::drillRow, "read the drill runs of " + drill);
    }

    /** The named drills' newest runs, at most {@code perDrill} each, newest first; see {@link #recentBackupRuns}. */
    public Map<String, List<DrillRecord>> recentDrillRuns(Collection<String> drills, int perDrill) {
        if (perDrill <= RECENT_KEPT) {
            return recent("lifeboat_recent_drill_run", DRILL_COLUMNS, drills, perDrill, Catalog::drillRow,
                    DrillRecord::startedAt, "read recent drill runs");
        }
        return perItem("SELECT " + DRILL_COLUMNS + " FROM lifeboat_drill_run WHERE drill = ?"
                + " ORDER BY drill, started_at DESC, id DESC FETCH FIRST " + perDrill + " ROWS ONLY", drills, Catalog::drillRow,
                "read recent drill runs");
    }

    /** When each named drill's newest PASSED run started; a drill that never passed is absent. */
    public Map<String, Instant> lastPassingDrillTimes(Collection<String> drills) {
        Map<String, Instant> result = new HashMap<>();
        perItem("SELECT started_at FROM lifeboat_drill_run WHERE drill = ? AND outcome = 'PASSED'"
                + " ORDER BY drill, outcome, started_at DESC, id DESC FETCH FIRST 1 ROWS ONLY",
                drills, rs -> instant(rs, 1), "read the last passing drills").forEach((k, v) -> result.put(k, v.get(0)));
        return result;
    }

    private static DrillRecord drillRow(ResultSet rs) throws SQLException {
        return new DrillRecord(rs.getString(1), rs.getString(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                Outcome.valueOf(rs.getString(5)), rs.getString(6), instant(rs, 7), instant(rs, 8), millis(rs, 9), millis(rs, 10),
                RunOrigin.valueOf(rs.getString(11)), rs.getString(12));
    }

    // ---- audits ---------------------------------------------------------------------------

    /** Appends an audit of a target. */
    public void recordAudit(AuditRecord r) {
        update("INSERT INTO lifeboat_audit_run (target, outcome, worst, started_at, finished_at, origin, node)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", p -> {
                    p.setString(1, r.target());
                    p.setString(2, r.outcome().name());
                    p.setString(3, clip(r.worst()));
                    p.setObject(4, time(r.startedAt()));
                    p.setObject(5, time(r.finishedAt()));
                    p.setString(6, r.origin().name());
                    p.setString(7, r.node());
                }, "record the audit of " + r.target());
    }

    /** Every target's newest audit, in one query. */
    public Map<String, AuditRecord> latestAudits() {
        List<AuditRecord> rows = query(newestPer("lifeboat_audit_run", "target",
                        "target, outcome, worst, started_at, finished_at, origin, node", "", 1), p -> { },
                rs -> new AuditRecord(rs.getString(1), AuditOutcome.valueOf(rs.getString(2)), rs.getString(3), instant(rs, 4),
                        instant(rs, 5), RunOrigin.valueOf(rs.getString(6)), rs.getString(7)), "read the latest audits");
        Map<String, AuditRecord> result = new HashMap<>();
        rows.forEach(r -> result.put(r.target(), r));
        return result;
    }

    /** The newest {@code n} rows per {@code key}: a window function, which H2 2.x and PostgreSQL both have. */
    private static String newestPer(String table, String key, String columns, String where, int n) {
        return "SELECT " + columns + " FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY " + key
                + " ORDER BY started_at DESC, id DESC) AS lifeboat_rank FROM " + table + " t " + where + ") ranked"
                + " WHERE lifeboat_rank <= " + n + " ORDER BY " + key + ", lifeboat_rank";
    }

    /**
     * Appends a run, and copies it into its item's recent runs, in one transaction: the report
     * never sees a run in one table and not the other. Then, in a transaction of its own, trims
     * the item's recent runs to the newest {@link #RECENT_KEPT}. The trim deletes only runs ranked
     * below that among what it sees, and a run appended at the same time by another node can only
     * push ranks down, so it never removes one of the newest; if it fails (two nodes trimming one
     * item can deadlock on PostgreSQL), the item keeps a few runs more until its next run, which
     * readers do not mind (they sort and take the newest). The run itself is recorded either way.
     */
    private void appendRun(String table, String recent, String key, String item, String columns, Binder binder, String what) {
        String marks = String.join(", ", Collections.nCopies(columns.split(",").length, "?"));
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                long id;
                try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")",
                        new String[] {"id"})) {
                    binder.bind(p);
                    p.executeUpdate();
                    try (ResultSet keys = p.getGeneratedKeys()) {
                        keys.next();
                        id = keys.getLong(1);
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO " + recent + " (id, " + columns + ") SELECT id, "
                        + columns + " FROM " + table + " WHERE id = ?")) {
                    p.setLong(1, id);
                    p.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM " + recent + " WHERE " + key + " = ? AND id NOT IN"
                    + " (SELECT id FROM " + recent + " WHERE " + key + " = ? ORDER BY " + key + ", started_at DESC, id DESC"
                    + " FETCH FIRST " + RECENT_KEPT + " ROWS ONLY)")) {
                p.setString(1, item);
                p.setString(2, item);
                p.executeUpdate();
            } catch (SQLException trimFailed) {
                // see above: harmless, and the next run of the item trims again; said at debug
                // level so that a trim failing every time (a broken index) can still be seen (the
                // logger is looked up here: a report, which only reads, never pays for it)
                LoggerFactory.getLogger(Catalog.class).debug("trimming the recent runs of {} in {} failed; the next run trims again: {}", item, recent,
                        trimFailed.getMessage());
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /**
     * The newest {@code n} of each named item's runs from a recent table (V5.sql), read in one scan
     * of the whole table and sorted here: the table holds about {@link #RECENT_KEPT} runs of every
     * item, so a scan reads each page once, where an index range per item would reach into pages
     * in index order. Newest first, ties broken by the later id, as the run tables' queries do.
     */
    private <T> Map<String, List<T>> recent(String table, String columns, Collection<String> items, int n,
                                            RowReader<T> reader, Function<T, Instant> startedAt, String what) {
        record Ranked<T>(Instant startedAt, long id, T run) { }
        Set<String> wanted = items instanceof Set<String> set ? set : new HashSet<>(items);
        Map<String, List<Ranked<T>>> found = new HashMap<>();
        int idColumn = columns.split(",").length + 1;
        try (Connection c = db.connect();
             PreparedStatement p = c.prepareStatement("SELECT " + columns + ", id FROM " + table);
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                String item = rs.getString(1);   // the item's column comes first in both column lists
                if (wanted.contains(item)) {
                    T run = reader.read(rs);
                    found.computeIfAbsent(item, k -> new ArrayList<>()).add(new Ranked<>(startedAt.apply(run), rs.getLong(idColumn), run));
                }
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
        Comparator<Ranked<T>> newestFirst = Comparator.comparing((Ranked<T> r) -> r.startedAt()).thenComparingLong(Ranked::id).reversed();
        Map<String, List<T>> result = new HashMap<>();
        found.forEach((item, runs) -> {
            runs.sort(newestFirst);
            result.put(item, runs.stream().limit(n).map(Ranked::run).toList());
        });
        return result;
    }

    /** One query per item on one connection: the rows of each item that has any, by item. */
    private <T> Map<String, List<T>> perItem(String sql, Collection<String> items, RowReader<T> reader, String what) {
        Map<String, List<T>> result = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement p = c.prepareStatement(sql)) {
            for (String item : items) {
                p.setString(1, item);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.computeIfAbsent(item, k -> new ArrayList<>()).add(reader.read(rs));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
        return result;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement p) throws SQLException;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private void update(String sql, Binder binder, String what) {
        try (Connection c = db.connect(); PreparedStatement p = c.prepareStatement(sql)) {
            binder.bind(p);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private <T> List<T> query(String sql, Binder binder, RowReader<T> reader, String what) {
        List<T> result = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement p = c.prepareStatement(sql)) {
            binder.bind(p);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    result.add(reader.read(rs));
                }
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
        return result;
    }

    // ---- trigger requests -----------------------------------------------------------------

    /** Asks the scheduler to run a job now; returns the request's id. */
    public long requestRun(JobKind kind, String name, Instant now, String requestedBy) {
        String sql = "INSERT INTO lifeboat_trigger_request (kind, name, requested_at, requested_by) VALUES (?, ?, ?, ?)";
        try (Connection c = db.connect(); PreparedStatement p = c.prepareStatement(sql, new String[] {"id"})) {
            p.setString(1, kind.name());
            p.setString(2, name);
            p.setObject(3, time(now));
            p.setString(4, requestedBy);
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("record the trigger request for " + kind.jobName(name), e);
        }
    }

    /**
     * Claims the requests nobody has claimed yet. Claiming is one conditional UPDATE per row, so
     * of several scheduler nodes exactly one gets each request.
     */
    public List<TriggerRequest> claimRequests(String node, Instant now) {
        List<TriggerRequest> open = new ArrayList<>();
        List<TriggerRequest> claimed = new ArrayList<>();
        try (Connection c = db.connect()) {
            try (PreparedStatement p = c.prepareStatement("SELECT id, kind, name, requested_at, requested_by"
                    + " FROM lifeboat_trigger_request WHERE claimed_by IS NULL ORDER BY id");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    open.add(new TriggerRequest(rs.getLong(1), JobKind.valueOf(rs.getString(2)), rs.getString(3),
                            instant(rs, 4), rs.getString(5)));
                }
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE lifeboat_trigger_request SET claimed_by = ?, claimed_at = ?"
                    + " WHERE id = ? AND claimed_by IS NULL")) {
                for (TriggerRequest r : open) {
                    u.setString(1, node);
                    u.setObject(2, time(now));
                    u.setLong(3, r.id());
                    if (u.executeUpdate() == 1) {
                        claimed.add(r);
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("claim trigger requests", e);
        }
        return claimed;
    }

    /** Who claimed a request, if anyone has yet. */
    public Optional<String> claimedBy(long requestId) {
        try (Connection c = db.connect();
             PreparedStatement p = c.prepareStatement("SELECT claimed_by FROM lifeboat_trigger_request WHERE id = ?")) {
            p.setLong(1, requestId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read trigger request " + requestId, e);
        }
    }

    // ---- restore events -------------------------------------------------------------------

    /** Appends one step of a restore. */
    public void recordRestoreEvent(RestoreEventRecord r) {
        update("INSERT INTO lifeboat_restore_event (request_id, source, event, backup_id, target_database, os_uid, os_user,"
                + " reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", p -> {
                    p.setString(1, r.requestId());
                    p.setString(2, r.source());
                    p.setString(3, r.event());
                    p.setString(4, r.backupId());
                    p.setString(5, r.database());
                    p.setInt(6, r.uid());
                    p.setString(7, r.user());
                    p.setString(8, clip(r.reason()));
                    p.setObject(9, time(r.recordedAt()));
                }, "record the restore event " + r.event() + " of " + r.requestId());
    }

    /** Every restore step, oldest first (in the order they were recorded). */
    public List<RestoreEventRecord> restoreEvents() {
        return query("SELECT " + RESTORE_COLUMNS + " FROM lifeboat_restore_event ORDER BY id", p -> { }, Catalog::restoreRow,
                "read the restore events");
    }

    /** The steps of one restore request, oldest first. */
    public List<RestoreEventRecord> restoreEvents(String requestId) {
        return query("SELECT " + RESTORE_COLUMNS + " FROM lifeboat_restore_event WHERE request_id = ? ORDER BY id",
                p -> p.setString(1, requestId), Catalog::restoreRow, "read the restore events of " + requestId);
    }

    private static final String RESTORE_COLUMNS = "recorded_at, event, request_id, source, backup_id, target_database, os_uid,"
            + " os_user, reason";

    private static RestoreEventRecord restoreRow(ResultSet rs) throws SQLException {
        return new RestoreEventRecord(instant(rs, 1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9));
    }

    // ---- helpers --------------------------------------------------------------------------

    private CatalogException failure(String what, SQLException e) {
        return new CatalogException("cannot " + what + " in the catalog " + db.describe() + ": " + e.getMessage(), e);
    }

    private static String clip(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 1) + "…";
    }

    private static OffsetDateTime time(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static void setOptional(PreparedStatement p, int i, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            p.setString(i, value.get());
        } else {
            p.setNull(i, Types.VARCHAR);
        }
    }

    private static void setSize(PreparedStatement p, int i, long bytes) throws SQLException {
        if (bytes < 0) {
            p.setNull(i, Types.BIGINT);
        } else {
            p.setLong(i, bytes);
        }
    }

    private static long size(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? -1 : v;
    }

    private static void setMillis(PreparedStatement p, int i, Optional<Duration> d) throws SQLException {
        if (d.isPresent()) {
            p.setLong(i, d.get().toMillis());
        } else {
            p.setNull(i, Types.BIGINT);
        }
    }

    private static Optional<Duration> millis(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(v));
    }
}
