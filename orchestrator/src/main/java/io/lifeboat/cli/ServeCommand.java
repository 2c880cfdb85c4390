package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.audit.TargetAudit;
import io.lifeboat.backup.BackupResult;
import io.lifeboat.backup.Progress;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.JobKind;
import io.lifeboat.catalog.NodeName;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.config.ConfigException;
import io.lifeboat.config.DrillConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.drill.DrillService;
import io.lifeboat.drills.DrillResult;
import io.lifeboat.drills.Durations;
import io.lifeboat.jobs.Jobs;
import io.lifeboat.report.ReportFormat;
import io.lifeboat.report.StatusReports;
import io.lifeboat.schedule.LifeboatScheduler;
import io.lifeboat.schedule.ScheduledJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code lifeboat serve}. Signals are handled with {@code sun.misc.Signal} rather than a shutdown
 * hook: a hook runs while the JVM is already exiting (with exit status 143, and other hooks, such
 * as an upload's abort, racing it), whereas handling SIGTERM here lets the scheduler stop taking
 * work, wait for running jobs, and exit 0 through the normal path. SIGHUP has no JVM default at all.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run backups and drills on the schedules in the configuration until stopped.",
                "Jobs live in a Quartz JDBC job store in the catalog database: an H2 file in the state directory, or a",
                "PostgreSQL database shared by several 'serve' nodes (each firing runs on one node; survivors take over).",
                "A fire time missed while no scheduler ran is run once at start. Runs 'lifeboat trigger' requests.",
                "SIGHUP reloads the configuration and reconciles jobs (added, changed, removed).",
                "SIGTERM stops taking new work and waits for running jobs up to schedule.shutdown_timeout (default 5m).",
                "Logs one line per job start and end on stderr; keeps schedule.metrics_file up to date if set."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM or SIGINT after every running job finished",
                "2:bad usage or invalid configuration at start",
                "3:could not start (catalog unreachable), or jobs were still running when shutdown_timeout ran out"})
final class ServeCommand extends ConfiguredCommand implements Callable<Integer> {

    private final AtomicReference<LifeboatConfig> current = new AtomicReference<>();

    ServeCommand(Application app) {
        super(app);
    }

    @Override
    public Integer call() throws InterruptedException {
        LifeboatConfig config = config();
        current.set(config);
        Catalog catalog = app.catalog(config);
        LifeboatScheduler scheduler = LifeboatScheduler.create(catalog.database(), this::runJob, this::log, app.clock());
        log("lifeboat serve on " + NodeName.current() + ", catalog and job store " + catalog.database().describe()
                + (catalog.database().isPostgres() ? " (clustered)" : ""));
        log("reconciled with " + config.file() + ": " + scheduler.reconcile(jobs(config)));
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        // Signal handlers run on a JVM thread without a context class loader, which Quartz's JDBC
        // store needs (its connection proxies): the reload runs on a thread made here instead.
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-sighup");
            t.setDaemon(true);
            t.setContextClassLoader(ServeCommand.class.getClassLoader()); // made lazily, on the signal thread
            return t;
        });
        Signal.handle(new Signal("HUP"), s -> reloads.execute(() -> reload(scheduler)));
        scheduler.start();
        scheduler.pollTriggerRequests(catalog, config.schedule().triggerPoll());
        writeMetrics();
        log("running");
        stop.await();
        var timeout = current.get().schedule().shutdownTimeout();
        log("stopping: no new jobs; waiting up to " + Durations.describe(timeout) + " for " + scheduler.running());
        reloads.shutdownNow();
        List<String> left = scheduler.stop(timeout);
        if (!left.isEmpty()) {
            log("stopped with jobs still running (their runs end with the process): " + left);
            return ExitCode.INCOMPLETE.code();
        }
        log("stopped");
        return ExitCode.OK.code();
    }

    static List<ScheduledJob> jobs(LifeboatConfig config) {
        List<ScheduledJob> jobs = new ArrayList<>();
        for (SourceConfig s : config.sources().values()) {
            jobs.add(new ScheduledJob(JobKind.BACKUP, s.name(), s.schedule()));
        }
        for (DrillConfig d : config.drills().values()) {
            jobs.add(new ScheduledJob(JobKind.DRILL, d.name(), Optional.of(d.schedule())));
        }
        for (TargetConfig t : config.targets().values()) {
            t.auditSchedule().ifPresent(cron -> jobs.add(new ScheduledJob(JobKind.AUDIT, t.name(), Optional.of(cron))));
        }
        return jobs;
    }

    /** SIGHUP: a configuration that does not load leaves the running one in place. */
    private synchronized void reload(LifeboatScheduler scheduler) {
        LifeboatConfig next;
        try {
            next = config();
        } catch (ConfigException e) {
            log("SIGHUP: " + configFile() + " is invalid, keeping the configuration loaded before: " + e.getMessage());
            return;
        } catch (LifeboatException e) {
            log("SIGHUP: cannot reload " + configFile() + ", keeping the configuration loaded before: " + e.getMessage());
            return;
        }
        if (!next.catalog().equals(current.get().catalog())) {
            log("SIGHUP: the catalog setting changed; it takes effect at the next start (jobs are reconciled now)");
        }
        current.set(next);
        try {
            log("SIGHUP: reconciled with " + next.file() + ": " + scheduler.reconcile(jobs(next)));
        } catch (LifeboatException e) {
            log("SIGHUP: " + e.getMessage());
        }
        writeMetrics();
    }

    /** Runs one job with the configuration in force now; the outcome, in one line, goes to the log. */
    private String runJob(JobKind kind, String name, RunOrigin origin) {
        LifeboatConfig config = current.get();
        try {
            if (kind == JobKind.AUDIT) {
                TargetConfig target = config.targets().get(name);
                if (target == null) {
                    return "ERRORED: no target " + name + " in the configuration";
                }
                TargetAudit a = app.jobs().audit(config, target, AuditCommand.scheduledOptions(config), origin,
                        w -> log("warning: " + w));
                return Jobs.outcome(a) + ": " + Jobs.worstFinding(a);
            }
            if (kind == JobKind.BACKUP) {
                BackupResult r = app.jobs().backup(config, name, origin, Progress.NONE, w -> log("warning: " + w));
                return "SUCCEEDED: backup " + r.manifest().backupId() + ", " + ProgressLine.bytes(r.manifest().storedBytes())
                        + " stored";
            }
            DrillService.DrillRun run = app.jobs().drill(config, name, Optional.empty(), origin, w -> log("warning: " + w));
            DrillResult r = run.result();
            return r.outcome() + ": " + r.reason();
        } catch (LifeboatException e) {
            return (e.exitCode() == ExitCode.FAILED ? "FAILED" : "ERRORED") + " (exit " + e.exitCode().code() + "): " + e.getMessage();
        } finally {
            writeMetrics();
        }
    }

    private void writeMetrics() {
        LifeboatConfig config = current.get();
        config.schedule().metricsFile().ifPresent(file -> {
            try {
                String text = ReportFormat.prometheus.render(new StatusReports(app.catalog(config)).build(config, app.clock().instant()));
                ReportCommand.writeAtomically(file, text);
            } catch (LifeboatException e) {
                log("cannot update the metrics file " + file + ": " + e.getMessage());
            }
        });
    }

    private void log(String line) {
        synchronized (this) {
            err().println(app.clock().instant() + " " + line);
            err().flush();
        }
    }
}
