package io.lifeboat.schedule;

import io.lifeboat.catalog.CatalogDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.quartz.CronTrigger;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Trigger;
import org.quartz.impl.jdbcjobstore.Constants;
import org.quartz.spi.OperableTrigger;

/**
 * Stores new jobs and their cron triggers in Quartz's tables with three batched inserts in one
 * transaction: the rows {@code StdJDBCDelegate.insertJobDetail} and {@code insertTrigger} write
 * ({@code useProperties=true}: job data as a properties text), without Quartz's round trips per
 * job (existence checks, paused-group and blocked-job lookups, then one statement per row), which
 * took over a second for 2,000 jobs at a start on an empty job store.
 *
 * <p>Only for a scheduler in standby: Quartz's own path also wakes its scheduler thread, which a
 * running scheduler needs to see a trigger earlier than the one it waits for; in standby the
 * thread picks everything up when it starts. A new job's trigger needs none of the state checks:
 * lifeboat never pauses a group, and a new job is not running, unless it was removed and added
 * back while it ran on some node: Quartz's path then stores its trigger BLOCKED, so a batch with
 * such a job (it has a fired-trigger row) is left to Quartz. Another node
 * that stored one of these jobs a moment ago makes the insert fail on the primary key: the
 * transaction rolls back and the caller falls back to Quartz. {@code LifeboatSchedulerTest}
 * checks that the rows match those Quartz writes itself.
 */
final class JobStoreBulkInsert {
    private static final String JOB = "INSERT INTO " + LifeboatScheduler.TABLE_PREFIX + "JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP,"
            + " DESCRIPTION, JOB_CLASS_NAME, IS_DURABLE, IS_NONCONCURRENT, IS_UPDATE_DATA, REQUESTS_RECOVERY, JOB_DATA)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String TRIGGER = "INSERT INTO " + LifeboatScheduler.TABLE_PREFIX + "TRIGGERS (SCHED_NAME, TRIGGER_NAME,"
            + " TRIGGER_GROUP, JOB_NAME, JOB_GROUP, DESCRIPTION, NEXT_FIRE_TIME, PREV_FIRE_TIME, TRIGGER_STATE, TRIGGER_TYPE, START_TIME,"
            + " END_TIME, CALENDAR_NAME, MISFIRE_INSTR, JOB_DATA, PRIORITY) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String CRON = "INSERT INTO " + LifeboatScheduler.TABLE_PREFIX + "CRON_TRIGGERS (SCHED_NAME, TRIGGER_NAME,"
            + " TRIGGER_GROUP, CRON_EXPRESSION, TIME_ZONE_ID) VALUES (?, ?, ?, ?, ?)";

    private JobStoreBulkInsert() {
    }

    /**
     * Inserts {@code jobs}, all or nothing.
     *
     * @return false, with nothing written, when a trigger is not a cron trigger, carries job data
     *     of its own or would never fire, or a job is running: Quartz's own path handles (or
     *     rejects) those
     * @throws SQLException when the insert failed and was rolled back (e.g. a job another node
     *     stored meanwhile)
     */
    static boolean insert(CatalogDatabase db, String schedulerName, Map<JobDetail, Set<? extends Trigger>> jobs)
            throws SQLException, IOException {
        List<CronTrigger> triggers = new ArrayList<>();
        for (Set<? extends Trigger> set : jobs.values()) {
            for (Trigger t : set) {
                // What QuartzScheduler.scheduleJob does before storing: the first fire time, or "will never fire".
                if (!(t instanceof CronTrigger cron) || !(t instanceof OperableTrigger op) || !t.getJobDataMap().isEmpty()
                        || op.computeFirstFireTime(null) == null) {
                    return false;
                }
                triggers.add(cron);
            }
        }
        try (Connection c = db.connect()) {
            if (anyRunning(c, schedulerName, jobs.keySet())) {
                return false;
            }
            c.setAutoCommit(false);
            try (PreparedStatement job = c.prepareStatement(JOB);
                 PreparedStatement trigger = c.prepareStatement(TRIGGER);
                 PreparedStatement cron = c.prepareStatement(CRON)) {
                for (JobDetail j : jobs.keySet()) {
                    addJob(job, schedulerName, j);
                }
                for (CronTrigger t : triggers) {
                    addTrigger(trigger, cron, schedulerName, t);
                }
                job.executeBatch();
                trigger.executeBatch();
                cron.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return true;
    }

    /** Whether any of {@code jobs} has a fired trigger (acquired or executing) on any node. */
    private static boolean anyRunning(Connection c, String schedulerName, Set<JobDetail> jobs) throws SQLException {
        Set<JobKey> keys = new HashSet<>();
        jobs.forEach(j -> keys.add(j.getKey()));
        try (PreparedStatement p = c.prepareStatement("SELECT JOB_NAME, JOB_GROUP FROM " + LifeboatScheduler.TABLE_PREFIX
                + "FIRED_TRIGGERS WHERE SCHED_NAME = ?")) {
            p.setString(1, schedulerName);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (keys.contains(JobKey.jobKey(rs.getString(1), rs.getString(2)))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void addJob(PreparedStatement p, String schedulerName, JobDetail j) throws SQLException, IOException {
        p.setString(1, schedulerName);
        p.setString(2, j.getKey().getName());
        p.setString(3, j.getKey().getGroup());
        p.setString(4, j.getDescription());
        p.setString(5, j.getJobClass().getName());
        p.setBoolean(6, j.isDurable());
        p.setBoolean(7, j.isConcurrentExecutionDisallowed());
        p.setBoolean(8, j.isPersistJobDataAfterExecution());
        p.setBoolean(9, j.requestsRecovery());
        p.setBytes(10, jobData(j));
        p.addBatch();
    }

    private static void addTrigger(PreparedStatement p, PreparedStatement cron, String schedulerName, CronTrigger t) throws SQLException {
        p.setString(1, schedulerName);
        p.setString(2, t.getKey().getName());
        p.setString(3, t.getKey().getGroup());
        p.setString(4, t.getJobKey().getName());
        p.setString(5, t.getJobKey().getGroup());
        p.setString(6, t.getDescription());
        p.setLong(7, t.getNextFireTime().getTime());
        p.setLong(8, time(t.getPreviousFireTime(), -1));
        p.setString(9, Constants.STATE_WAITING);
        p.setString(10, Constants.TTYPE_CRON);
        p.setLong(11, t.getStartTime().getTime());
        p.setLong(12, time(t.getEndTime(), 0));
        p.setString(13, t.getCalendarName());
        p.setInt(14, t.getMisfireInstruction());
        // Quartz stores an empty trigger data map as zero bytes (ours are all empty: see insert).
        p.setBytes(15, new byte[0]);
        p.setInt(16, t.getPriority());
        p.addBatch();
        cron.setString(1, schedulerName);
        cron.setString(2, t.getKey().getName());
        cron.setString(3, t.getKey().getGroup());
        cron.setString(4, t.getCronExpression());
        cron.setString(5, t.getTimeZone().getID());
        cron.addBatch();
    }

    private static long time(Date d, long absent) {
        return d == null ? absent : d.getTime();
    }

    /** As {@code StdJDBCDelegate.serializeProperties}: every value a string, stored as a properties text. */
    private static byte[] jobData(JobDetail j) throws IOException {
        Properties p = new Properties();
        for (Map.Entry<String, Object> e : j.getJobDataMap().entrySet()) {
            p.setProperty(e.getKey(), e.getValue() == null ? "" : (String) e.getValue());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.store(out, "");
        return out.toByteArray();
    }
}
