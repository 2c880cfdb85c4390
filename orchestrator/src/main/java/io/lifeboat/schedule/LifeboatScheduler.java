package io.lifeboat.schedule;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.CatalogDatabase;
import io.lifeboat.catalog.NodeName;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.catalog.TriggerRequest;
import io.lifeboat.drills.Durations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * {@code lifeboat serve}'s scheduler: Quartz with its JDBC job store in the catalog database.
 *
 * <ul>
 * <li>H2 (one host): {@code StdJDBCDelegate}, not clustered. PostgreSQL: {@code PostgreSQLDelegate},
 *     clustered, so several nodes share the work and each firing runs on exactly one of them; a
 *     node that dies is taken over by the others after a few check-in intervals.</li>
 * <li>Connections come from HikariCP ({@code provider=hikaricp}); Quartz's default, c3p0, is not on
 *     the classpath.</li>
 * <li>A fire time that passed while no scheduler was running is a misfire: the cron triggers are
 *     made with "fire once and proceed", so a missed backup or drill runs once at start-up.</li>
 * <li>Jobs are reconciled with the configuration ({@link #reconcile}), in batches; a trigger whose
 *     cron did not change is left alone, so a reconcile never loses a pending misfire.</li>
 * </ul>
 */
public final class LifeboatScheduler {
    static final String GROUP = "lifeboat";
    /** How often a cluster node checks in; a node silent for about two of these is taken over. */
    static final Duration CLUSTER_CHECKIN = Duration.ofSeconds(5);
    static final int THREADS = 4;
    static final String TABLE_PREFIX = "QRTZ_";

    private final Scheduler quartz;
    private final CatalogDatabase db;
    private final Consumer<String> log;
    private final Clock clock;
    private ScheduledExecutorService poller;

    private LifeboatScheduler(Scheduler quartz, CatalogDatabase db, Consumer<String> log, Clock clock) {
        this.quartz = quartz;
        this.db = db;
        this.log = log;
        this.clock = clock;
    }

    /** What a reconcile changed, by job name. */
    public record Reconciliation(List<String> added, List<String> changed, List<String> removed, List<String> unchanged) {
        @Override
        public String toString() {
            return "added " + describe(added) + ", changed " + describe(changed) + ", removed " + describe(removed) + ", unchanged "
                    + unchanged.size();
        }

        private static String describe(List<String> names) {
            return names.isEmpty() ? "none" : String.join(" ", names);
        }
    }

    /**
     * Creates the job store tables if need be and starts Quartz (in standby until {@link #start()}).
     *
     * @param runner runs a job; wrapped here to log one line at its start and one at its end
     */
    public static LifeboatScheduler create(CatalogDatabase db, JobRunner runner, Consumer<String> log, Clock clock) {
        QuartzTables.ensure(db);
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "lifeboat");
        p.setProperty("org.quartz.scheduler.instanceId", NodeName.current());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(THREADS));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", db.isPostgres()
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", TABLE_PREFIX);
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(db.isPostgres()));
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(CLUSTER_CHECKIN.toMillis()));
        p.setProperty("org.quartz.jobStore.dataSource", "catalog");
        p.setProperty("org.quartz.dataSource.catalog.provider", "hikaricp");
        p.setProperty("org.quartz.dataSource.catalog.driver", db.isPostgres() ? "org.postgresql.Driver" : "org.h2.Driver");
        p.setProperty("org.quartz.dataSource.catalog.URL", db.url());
        p.setProperty("org.quartz.dataSource.catalog.user", db.user());
        p.setProperty("org.quartz.dataSource.catalog.password", db.password());
        p.setProperty("org.quartz.dataSource.catalog.maxConnections", Integer.toString(THREADS + 3));
        try {
            Scheduler quartz = new StdSchedulerFactory(p).getScheduler();
            LifeboatScheduler s = new LifeboatScheduler(quartz, db, log, clock);
            quartz.getContext().put(LifeboatQuartzJob.RUNNER, s.logging(runner));
            return s;
        } catch (SchedulerException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "cannot start the scheduler on " + db.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    /** What the Quartz job calls: the runner, with one log line at the start and one at the end. */
    @FunctionalInterface
    interface Execution {
        void execute(io.lifeboat.catalog.JobKind kind, String name, RunOrigin origin, Instant scheduledFireTime);
    }

    private Execution logging(JobRunner runner) {
        return (kind, name, origin, fireTime) -> {
            Instant start = clock.instant();
            // The scheduled fire time names the firing: across a cluster, each appears in one log only.
            log.accept("job " + kind.jobName(name) + " start (" + origin.name().toLowerCase(java.util.Locale.ROOT)
                    + (origin == RunOrigin.SCHEDULE ? ", fire time " + fireTime : "") + ")");
            String outcome;
            try {
                outcome = runner.run(kind, name, origin);
            } catch (RuntimeException e) {
                outcome = "ERRORED: unexpected " + e.getClass().getName() + ": " + e.getMessage();
            }
            log.accept("job " + kind.jobName(name) + " end " + outcome + " (" + Durations.describe(Duration.between(start, clock.instant()))
                    + ")");
        };
    }

    /** Starts firing (misfires first). */
    public void start() {
        try {
            quartz.start();
        } catch (SchedulerException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "cannot start the scheduler: " + e.getMessage(), e);
        }
    }

    /**
     * Makes the job store's jobs match {@code wanted}: adds, reschedules and removes.
     *
     * <p>Batched, because a fleet has thousands of jobs and every Quartz call is a transaction of
     * its own: one call lists the jobs, one query reads every trigger's cron expression, one
     * {@code deleteJobs} removes, and one transaction stores all new jobs with their triggers
     * (batched inserts at start-up). Only a changed cron costs a call of its own. An unchanged job
     * or trigger is not touched.
     */
    public synchronized Reconciliation reconcile(List<ScheduledJob> wanted) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Map<String, ScheduledJob> byName = new TreeMap<>();
        wanted.forEach(j -> byName.put(j.jobName(), j));
        try {
            Set<JobKey> existing = quartz.getJobKeys(GroupMatcher.jobGroupEquals(GROUP));
            Set<String> existingNames = new HashSet<>();
            List<JobKey> gone = new ArrayList<>();
            for (JobKey key : existing) {
                existingNames.add(key.getName());
                if (!byName.containsKey(key.getName())) {
                    gone.add(key);
                    removed.add(key.getName());
                }
            }
            // Removes the Quartz jobs and their triggers: schedules, never backups.
            if (!gone.isEmpty()) {
                quartz.deleteJobs(gone);
            }
            Map<String, String> crons = currentTriggers();
            Map<JobDetail, Set<? extends Trigger>> fresh = new LinkedHashMap<>();
            for (ScheduledJob job : byName.values()) {
                JobKey key = JobKey.jobKey(job.jobName(), GROUP);
                TriggerKey tk = TriggerKey.triggerKey(job.jobName(), GROUP);
                if (!existingNames.contains(job.jobName())) {
                    fresh.put(jobDetail(job, key), job.cron().map(c -> Set.of(cronTrigger(tk, key, c))).orElse(Set.of()));
                    added.add(job.jobName());
                    continue;
                }
                String current = crons.get(job.jobName());
                boolean changedHere = false;
                if (job.cron().isPresent()) {
                    String cron = job.cron().get();
                    if (current == null) {
                        scheduleIfAbsent(cronTrigger(tk, key, cron));
                        changedHere = true;
                    } else if (!current.equals(cron)) {
                        quartz.rescheduleJob(tk, cronTrigger(tk, key, cron));
                        changedHere = true;
                    }
                } else if (current != null) {
                    quartz.unscheduleJob(tk);
                    changedHere = true;
                }
                (changedHere ? changed : unchanged).add(job.jobName());
            }
            addJobs(fresh);
        } catch (SchedulerException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "cannot reconcile the scheduler's jobs: " + e.getMessage(), e);
        }
        return new Reconciliation(added, changed, removed, unchanged);
    }

    /**
     * Our group's triggers by name: the cron expression, or "" for a trigger of another kind. One
     * query on the job store's tables instead of a {@code getTrigger} transaction per job.
     */
    private Map<String, String> currentTriggers() throws SchedulerException {
        Map<String, String> result = new HashMap<>();
        String sql = "SELECT t.TRIGGER_NAME, c.CRON_EXPRESSION FROM " + TABLE_PREFIX + "TRIGGERS t LEFT JOIN " + TABLE_PREFIX
                + "CRON_TRIGGERS c"
                + " ON c.SCHED_NAME = t.SCHED_NAME AND c.TRIGGER_NAME = t.TRIGGER_NAME AND c.TRIGGER_GROUP = t.TRIGGER_GROUP"
                + " WHERE t.SCHED_NAME = ? AND t.TRIGGER_GROUP = ?";
        try (Connection c = db.connect(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, quartz.getSchedulerName());
            p.setString(2, GROUP);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), Optional.ofNullable(rs.getString(2)).orElse(""));
                }
            }
        } catch (SQLException e) {
            throw new SchedulerException("cannot read the job store's triggers: " + e.getMessage(), e);
        }
        return result;
    }

    /**
     * Stores new jobs and their triggers in one transaction: batched inserts before the scheduler
     * starts ({@link JobStoreBulkInsert}), else through Quartz; one by one if another node raced
     * us to some.
     */
    private void addJobs(Map<JobDetail, Set<? extends Trigger>> fresh) throws SchedulerException {
        if (fresh.isEmpty()) {
            return;
        }
        if (quartz.isInStandbyMode()) {
            try {
                if (JobStoreBulkInsert.insert(db, quartz.getSchedulerName(), fresh)) {
                    return;
                }
            } catch (SQLException | java.io.IOException e) {
                // Rolled back: most likely another node stored some of these a moment ago.
                log.accept("storing the " + fresh.size() + " new jobs through Quartz instead:"
                        + " the batched insert failed: " + e.getMessage());
            }
        }
        try {
            quartz.scheduleJobs(fresh, false);
        } catch (ObjectAlreadyExistsException raced) {
            for (Map.Entry<JobDetail, Set<? extends Trigger>> e : fresh.entrySet()) {
                try {
                    quartz.addJob(e.getKey(), false);
                } catch (ObjectAlreadyExistsException alsoRaced) {
                    // another node of the cluster added it a moment ago
                }
                for (Trigger t : e.getValue()) {
                    scheduleIfAbsent(t);
                }
            }
        }
    }

    static JobDetail jobDetail(ScheduledJob job, JobKey key) {
        return JobBuilder.newJob(LifeboatQuartzJob.class).withIdentity(key).storeDurably()
                .withDescription(job.kind().label() + " of " + job.name())
                .usingJobData(LifeboatQuartzJob.KIND, job.kind().name())
                .usingJobData(LifeboatQuartzJob.NAME, job.name()).build();
    }

    private void scheduleIfAbsent(Trigger trigger) throws SchedulerException {
        try {
            quartz.scheduleJob(trigger);
        } catch (ObjectAlreadyExistsException raced) {
            // another node of the cluster scheduled it a moment ago
        }
    }

    static Trigger cronTrigger(TriggerKey tk, JobKey job, String cron) {
        return TriggerBuilder.newTrigger().withIdentity(tk).forJob(job)
                .withSchedule(CronScheduleBuilder.cronSchedule(cron).inTimeZone(TimeZone.getDefault())
                        .withMisfireHandlingInstructionFireAndProceed())
                .build();
    }

    /**
     * Looks for {@code lifeboat trigger} requests every {@code every} and runs what it claims.
     * Of several nodes, exactly one claims each request (see {@link Catalog#claimRequests}).
     */
    public void pollTriggerRequests(Catalog catalog, Duration every) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-trigger-poll");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                for (TriggerRequest r : catalog.claimRequests(NodeName.current(), clock.instant())) {
                    runNow(r);
                }
            } catch (RuntimeException e) {
                log.accept("cannot read trigger requests: " + e.getMessage());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runNow(TriggerRequest r) {
        JobKey key = JobKey.jobKey(r.kind().jobName(r.name()), GROUP);
        try {
            if (!quartz.checkExists(key)) {
                log.accept("trigger request #" + r.id() + " from " + r.requestedBy() + ": no job " + key.getName()
                        + " in this configuration; ignored");
                return;
            }
            log.accept("trigger request #" + r.id() + " from " + r.requestedBy() + ": running " + key.getName());
            JobDataMap data = new JobDataMap();
            data.put(LifeboatQuartzJob.ORIGIN, RunOrigin.TRIGGER.name());
            quartz.triggerJob(key, data);
        } catch (SchedulerException e) {
            log.accept("trigger request #" + r.id() + ": cannot run " + key.getName() + ": " + e.getMessage());
        }
    }

    /** Names of the jobs running on this node now. */
    public List<String> running() {
        try {
            return quartz.getCurrentlyExecutingJobs().stream().map(c -> c.getJobDetail().getKey().getName()).toList();
        } catch (SchedulerException e) {
            return List.of();
        }
    }

    /**
     * Stops taking work (no new fires, no trigger requests), waits up to {@code timeout} for the
     * jobs running on this node, then shuts Quartz down.
     *
     * @return the jobs still running when the time was up (empty when all finished)
     */
    public List<String> stop(Duration timeout) {
        if (poller != null) {
            poller.shutdownNow();
        }
        try {
            quartz.standby();
        } catch (SchedulerException e) {
            log.accept("cannot put the scheduler in standby: " + e.getMessage());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> running = running();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            running = running();
        }
        try {
            quartz.shutdown(false);
        } catch (SchedulerException e) {
            log.accept("cannot shut the scheduler down cleanly: " + e.getMessage());
        }
        return running;
    }
}
