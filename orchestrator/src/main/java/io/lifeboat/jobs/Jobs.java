package io.lifeboat.jobs;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.audit.Auditor;
import io.lifeboat.audit.Finding;
import io.lifeboat.audit.TargetAudit;
import io.lifeboat.backup.BackupResult;
import io.lifeboat.backup.Manifest;
import io.lifeboat.backup.Progress;
import io.lifeboat.catalog.AuditOutcome;
import io.lifeboat.catalog.AuditRecord;
import io.lifeboat.catalog.BackupOutcome;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.CatalogException;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.catalog.JobKind;
import io.lifeboat.catalog.JobLocks;
import io.lifeboat.catalog.NodeName;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.config.DrillConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.drill.DrillService;
import io.lifeboat.drills.DrillProgress;
import io.lifeboat.drills.DrillResult;
import io.lifeboat.storage.StorageTarget;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Runs backups, drills and audits under their job lock and records each run in the catalog.
 *
 * <p>The catalog is the record, not a precondition: when it cannot be opened or written, the
 * backup or drill still runs (a backup matters more than its bookkeeping), the problem is passed
 * to {@code warnings}, and {@code lifeboat catalog sync} can rebuild the backup entries later.
 * Without the catalog the lock is the host-local file lock only.
 */
public final class Jobs {
    private final Application app;

    public Jobs(Application app) {
        this.app = app;
    }

    /**
     * One backup of {@code sourceName}.
     *
     * @throws LifeboatException as {@code backup run} reports it (after recording the failed run),
     *                           or INCOMPLETE when another run of the job holds its lock
     */
    public BackupResult backup(LifeboatConfig config, String sourceName, RunOrigin origin, Progress progress,
                               Consumer<String> warnings) {
        SourceConfig source = config.source(sourceName);
        // The target's client (its SDK, and for an assumed role a call to STS) is built while the
        // catalog opens: each takes a few hundred milliseconds of a short backup's start, and
        // neither needs the other. Building a client writes nothing, so it may start before the lock.
        Opening<StorageTarget> writerOpening = Opening.start("lifeboat-open-target", () -> app.openForWriting(config.targetOf(source)));
        try (writerOpening) {
            return backup(config, source, origin, progress, warnings, writerOpening);
        }
    }

    private BackupResult backup(LifeboatConfig config, SourceConfig source, RunOrigin origin, Progress progress,
                                Consumer<String> warnings, Opening<StorageTarget> writerOpening) {
        try (CatalogOpening catalog = openCatalog(config, warnings);
             JobLocks.Held lock = lock(config, catalog.forLock(), JobKind.BACKUP, source.name())) {
            Instant started = app.clock().instant();
            BackupResult result;
            try (StorageTarget writer = writerOpening.take()) {
                result = app.pipeline(config, source, writer).run(source, progress);
            } catch (LifeboatException e) {
                BackupOutcome outcome = e.exitCode() == ExitCode.FAILED ? BackupOutcome.FAILED : BackupOutcome.ERRORED;
                record(catalog.get(), warnings, c -> c.recordBackup(new BackupRecord(source.name(), Optional.empty(), outcome,
                        e.getMessage(), started, app.clock().instant(), -1, -1, Optional.empty(), origin, NodeName.current())));
                throw e;
            } catch (RuntimeException e) {
                record(catalog.get(), warnings, c -> c.recordBackup(new BackupRecord(source.name(), Optional.empty(),
                        BackupOutcome.ERRORED, "unexpected " + e.getClass().getName() + ": " + e.getMessage(), started,
                        app.clock().instant(), -1, -1, Optional.empty(), origin, NodeName.current())));
                throw e;
            }
            Manifest m = result.manifest();
            record(catalog.get(), warnings, c -> c.recordBackup(new BackupRecord(source.name(), Optional.of(m.backupId()),
                    BackupOutcome.SUCCEEDED, "stored " + m.storedBytes() + " bytes in " + result.target(), started,
                    app.clock().instant(), m.rawBytes(), m.storedBytes(), Optional.of(m.objectKey()), origin,
                    NodeName.current())));
            return result;
        }
    }

    /**
     * One drill; its outcome is in the result (the drill service never throws for a drill that
     * ran). Throws INCOMPLETE when another run of the drill holds its lock.
     */
    public DrillService.DrillRun drill(LifeboatConfig config, String drillName, Optional<String> backupId, RunOrigin origin,
                                       Consumer<String> warnings) {
        return drill(config, drillName, backupId, origin, warnings, DrillProgress.NONE);
    }

    /** As above, telling {@code progress} what the drill is doing (a terminal's progress line). */
    public DrillService.DrillRun drill(LifeboatConfig config, String drillName, Optional<String> backupId, RunOrigin origin,
                                       Consumer<String> warnings, DrillProgress progress) {
        DrillConfig drill = config.drill(drillName);
        // As for a backup: the reader's client is built while the catalog opens.
        TargetConfig target = config.targetOf(config.sourceOf(drill));
        try (Opening<StorageTarget> readerOpening = Opening.start("lifeboat-open-target", () -> app.openForReading(target))) {
            return drill(config, drill, backupId, origin, warnings, progress, readerOpening);
        }
    }

    private DrillService.DrillRun drill(LifeboatConfig config, DrillConfig drill, Optional<String> backupId, RunOrigin origin,
                                        Consumer<String> warnings, DrillProgress progress, Opening<StorageTarget> readerOpening) {
        try (CatalogOpening catalog = openCatalog(config, warnings);
             JobLocks.Held lock = lock(config, catalog.forLock(), JobKind.DRILL, drill.name())) {
            DrillService.DrillRun run = new DrillService(app).run(config, drill.name(), backupId, progress, readerOpening::take);
            DrillResult r = run.result();
            record(catalog.get(), warnings, c -> c.recordDrill(new DrillRecord(r.drill(), drill.source(), r.runId(), r.backupId(),
                    r.outcome(), r.reason(), r.startedAt(), r.finishedAt(), r.backupAge(), r.restoreDuration(), origin,
                    NodeName.current())));
            return run;
        }
    }

    /**
     * One audit of a target (the same probes as {@code lifeboat audit}), recorded in the catalog
     * with its overall outcome and worst finding.
     *
     * @throws LifeboatException when the audit cannot run to its end (after recording it ERRORED),
     *                           or INCOMPLETE when another audit of the target holds its lock
     */
    public TargetAudit audit(LifeboatConfig config, TargetConfig target, Auditor.Options options, RunOrigin origin,
                             Consumer<String> warnings) {
        Optional<Catalog> catalog = openCatalogOrWarn(config, warnings);
        try (JobLocks.Held lock = lock(config, catalog, JobKind.AUDIT, target.name())) {
            Instant started = app.clock().instant();
            TargetAudit audit;
            try {
                audit = app.auditor().audit(target, options);
            } catch (RuntimeException e) {
                String why = e instanceof LifeboatException ? e.getMessage() : "unexpected " + e.getClass().getName() + ": " + e.getMessage();
                record(catalog, warnings, c -> c.recordAudit(new AuditRecord(target.name(), AuditOutcome.ERRORED, why, started,
                        app.clock().instant(), origin, NodeName.current())));
                throw e;
            }
            record(catalog, warnings, c -> c.recordAudit(new AuditRecord(target.name(), outcome(audit), worstFinding(audit),
                    started, app.clock().instant(), origin, NodeName.current())));
            return audit;
        }
    }

    /** FAIL if any finding failed, else WARN if any warned, else PASS. */
    public static AuditOutcome outcome(TargetAudit audit) {
        if (audit.failed()) {
            return AuditOutcome.FAIL;
        }
        return audit.findings().stream().anyMatch(f -> f.status() == Finding.Status.WARN) ? AuditOutcome.WARN : AuditOutcome.PASS;
    }

    /** The first FAIL finding, else the first WARN, in words; or that every check passed. */
    public static String worstFinding(TargetAudit audit) {
        for (Finding.Status status : new Finding.Status[] {Finding.Status.FAIL, Finding.Status.WARN}) {
            for (Finding f : audit.findings()) {
                if (f.status() == status) {
                    return status + " " + f.credential() + " " + f.check() + ": " + f.reason();
                }
            }
        }
        return "all " + audit.findings().size() + " checks passed";
    }

    /**
     * The catalog for a backup or a drill. A PostgreSQL catalog holds the cluster's job locks, so
     * it opens first, as the lock needs it. An H2 catalog (one host, the default) is not needed
     * for the lock (the host's lock file is the lock): it opens on a thread of its own while the
     * dump or the restore starts, and the job waits for it only to record the run. Opening H2 took
     * 0.2-0.4 s of a backup's start on two cores (bench/README.md).
     */
    private CatalogOpening openCatalog(LifeboatConfig config, Consumer<String> warnings) {
        if (config.catalog().isPostgres()) {
            return new CatalogOpening(CompletableFuture.completedFuture(openCatalogOrWarn(config, warnings)), List.of(),
                    warnings, true);
        }
        List<String> problems = new CopyOnWriteArrayList<>();
        return new CatalogOpening(Opening.onThreadOfItsOwn("lifeboat-open-catalog", () -> openCatalogOrWarn(config, problems::add)),
                problems, warnings, false);
    }

    /**
     * A catalog being opened. {@link #get()} waits for it and says, on the caller's thread, why
     * it could not be opened; closing waits too, so that no catalog is still opening when the
     * command ends (the application closes the catalogs it opened).
     */
    private static final class CatalogOpening implements AutoCloseable {
        private final CompletableFuture<Optional<Catalog>> future;
        private final List<String> problems;
        private final Consumer<String> warnings;
        private final boolean holdsLocks;
        private boolean said;

        CatalogOpening(CompletableFuture<Optional<Catalog>> future, List<String> problems, Consumer<String> warnings,
                       boolean holdsLocks) {
            this.future = future;
            this.problems = problems;
            this.warnings = warnings;
            this.holdsLocks = holdsLocks;
        }

        /** The catalog the job's lock needs: the cluster's (PostgreSQL); none for H2, whose lock is the host's file. */
        Optional<Catalog> forLock() {
            return holdsLocks ? get() : Optional.empty();
        }

        Optional<Catalog> get() {
            Optional<Catalog> catalog = Opening.join(future);
            if (!said) {
                said = true;
                problems.forEach(warnings);
            }
            return catalog;
        }

        @Override
        public void close() {
            try {
                get();
            } catch (RuntimeException e) {
                // the job's own outcome is what the caller reports
            }
        }
    }

    private Optional<Catalog> openCatalogOrWarn(LifeboatConfig config, Consumer<String> warnings) {
        try {
            return Optional.of(app.catalog(config));
        } catch (CatalogException e) {
            warnings.accept("the run is not recorded: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static JobLocks.Held lock(LifeboatConfig config, Optional<Catalog> catalog, JobKind kind, String name) {
        JobLocks locks = catalog.map(c -> new JobLocks(config.stateDir(), c.database()))
                .orElseGet(() -> JobLocks.fileOnly(config.stateDir()));
        return locks.tryAcquire(kind, name).orElseThrow(() -> new LifeboatException(ExitCode.INCOMPLETE,
                kind.jobName(name) + " is running already (another lifeboat process holds its lock): not started twice"));
    }

    private static void record(Optional<Catalog> catalog, Consumer<String> warnings, Consumer<Catalog> write) {
        catalog.ifPresent(c -> {
            try {
                write.accept(c);
            } catch (CatalogException e) {
                warnings.accept("the run is not recorded: " + e.getMessage());
            }
        });
    }
}
