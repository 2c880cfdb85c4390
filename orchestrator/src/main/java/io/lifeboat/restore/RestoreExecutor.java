package io.lifeboat.restore;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.drill.StoredBackup;
import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.StepResult;
import io.lifeboat.drills.check.CheckContext;
import io.lifeboat.drills.check.CheckResult;
import io.lifeboat.drills.restore.NewDatabase;
import io.lifeboat.drills.restore.RestoreTarget;
import io.lifeboat.drills.restore.RestoreTargetException;
import io.lifeboat.drills.sandbox.DumpReadException;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.storage.StorageTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries out a confirmed {@link RestorePlan}, in an order that protects what exists:
 * <ol>
 *   <li><b>verify</b>: the stored object is read with the reader credential, hashed, decrypted
 *       and decompressed to the end, and its SHA-256 and sizes compared with the manifest,
 *       <em>before</em> anything on the server is touched: a damaged backup never becomes a
 *       half-restored database;</li>
 *   <li><b>create and restore</b> into a database that did not exist (the stream verifies the
 *       object again at its end: it is read a second time, and could differ);</li>
 *   <li><b>check</b>: row counts against the manifest, the canary, and the source's drill checks;</li>
 *   <li><b>keep</b> the new database, or <b>swap</b> it in for the one being replaced, which keeps
 *       its data under another name.</li>
 * </ol>
 * Any failure drops the new database, and only it: the original is untouched.
 */
public final class RestoreExecutor {

    private final Application app;

    public RestoreExecutor(Application app) {
        this.app = app;
    }

    public RestoreResult execute(LifeboatConfig config, RestorePlan plan) {
        SourceConfig source = config.source(plan.source());
        Path identity = config.encryption().identityFile().orElseThrow(() -> new LifeboatException(ExitCode.USAGE,
                "restoring " + source.name() + " needs encryption.identity_file in " + config.file()
                        + ": the age identity that decrypts the backups"));
        Run run = new Run();
        try (StorageTarget reader = app.openForReading(config.targetOf(source))) {
            StoredBackup backup = new StoredBackup(reader, plan.manifest(), identity);
            Instant t = app.clock().instant();
            try (InputStream in = backup.open(run::record)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (DrillBackup.BackupReadException e) {
                return run.end(e.isDefect() ? Outcome.FAILED : Outcome.ERRORED, "backup " + plan.backup().id()
                        + " did not verify, so nothing was created on the server: " + e.getCause().getMessage());
            } catch (IOException e) {
                return run.end(Outcome.ERRORED, "reading backup " + plan.backup().id() + " failed, nothing was created"
                        + " on the server: " + e.getMessage());
            }
            run.step("verified", Outcome.PASSED, t, "whole object read: SHA-256 and sizes match the manifest");
            return restore(config, source, plan, backup, run);
        }
    }

    private RestoreResult restore(LifeboatConfig config, SourceConfig source, RestorePlan plan, StoredBackup backup, Run run) {
        RestoreTarget server = app.engines().forName(source.engine()).restoreTarget(source);
        Instant t = app.clock().instant();
        try {
            if (plan.replaces() && server.inspect(plan.database()).isEmpty()) {
                return run.end(Outcome.ERRORED, "database " + plan.database() + " to replace is no longer on " + plan.where()
                        + "; nothing was created");
            }
            try (NewDatabase db = server.createNew(plan.restoreInto(), plan.manifest().serverVersion(), plan.ownership())) {
                run.step("create", Outcome.PASSED, t, db.describe());
                t = app.clock().instant();
                // closed after the restore, whatever happened: its fetch stops (StoredBackup reads ahead)
                InputStream dump = backup.open(run::record);
                try {
                    db.restore(dump, plan.manifest().dumpFormat());
                } finally {
                    TerminalGate.closeQuietly(dump);
                }
                Duration restoreTime = Duration.between(t, app.clock().instant());
                run.step("restore", Outcome.PASSED, t, "restored into " + db.name());
                t = app.clock().instant();
                Optional<CheckResult> failed = check(plan, db, backup, restoreTime, run);
                run.step("checks", failed.map(CheckResult::status).orElse(Outcome.PASSED), t,
                        run.checks.size() + " checks");
                if (failed.isPresent()) {
                    return run.end(Outcome.FAILED, "check \"" + failed.get().name() + "\" " + failed.get().status() + ": "
                            + failed.get().reason() + "; the restored database " + db.name() + " was dropped"
                            + plan.keepOldAs().map(k -> " and " + plan.database() + " left as it was").orElse(""));
                }
                t = app.clock().instant();
                if (plan.replaces()) {
                    db.swapInto(plan.database(), plan.keepOldAs().orElseThrow());
                    run.step("swap", Outcome.PASSED, t, plan.database() + " → " + plan.keepOldAs().get() + ", "
                            + db.name() + " → " + plan.database());
                } else {
                    db.keep();
                }
                return run.success(plan, restoreTime);
            } catch (IllegalStateException dropFailed) {
                // close() could not drop the new database: the outcome above stands, a person must clean up
                run.warnings.add(dropFailed.getMessage());
                return run.end(Outcome.ERRORED, "the restore did not complete and " + dropFailed.getMessage());
            }
        } catch (RestoreTargetException e) {
            return run.end(Outcome.ERRORED, e.getMessage() + "; " + untouched(plan));
        } catch (RestoreFailedException e) {
            return run.end(Outcome.FAILED, "the restore tool failed: " + e.getMessage() + "; the new database was dropped, "
                    + untouched(plan));
        } catch (DumpReadException e) {
            boolean defect = e.getCause() instanceof DrillBackup.BackupReadException r && r.isDefect();
            return run.end(defect ? Outcome.FAILED : Outcome.ERRORED, "reading the backup a second time failed: "
                    + Optional.ofNullable(e.getCause()).map(c -> Optional.ofNullable(c.getCause()).orElse(c).getMessage())
                    .orElse(e.getMessage()) + "; the new database was dropped, " + untouched(plan));
        }
    }

    /** Runs every planned check; the first that did not pass, if any. */
    private Optional<CheckResult> check(RestorePlan plan, NewDatabase db, StoredBackup backup, Duration restoreTime, Run run) {
        CheckContext context = new CheckContext(db, backup, app.clock().instant(), restoreTime);
        Optional<CheckResult> failed = Optional.empty();
        for (RestorePlan.PlannedCheck planned : plan.checks()) {
            CheckResult r;
            Instant t = app.clock().instant();
            try {
                r = planned.check().run(context);
            } catch (RuntimeException e) {
                r = new CheckResult(planned.check().name(), Outcome.ERRORED, "the check stopped unexpectedly: " + e,
                        Optional.empty(), Duration.between(t, app.clock().instant()));
            }
            run.checks.add(r);
            if (r.status() != Outcome.PASSED && failed.isEmpty()) {
                failed = Optional.of(r);
            }
        }
        return failed;
    }

    private static String untouched(RestorePlan plan) {
        return plan.existing().map(e -> "database " + e.name() + " is untouched").orElse("nothing else was touched");
    }

    /** What a run has done so far. */
    private final class Run {
        final List<StepResult> steps = new ArrayList<>();
        final List<CheckResult> checks = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        void record(String step, Outcome status, Duration duration, String detail) {
            steps.add(new StepResult(step, status, duration, detail));
        }

        void step(String name, Outcome status, Instant since, String detail) {
            record(name, status, Duration.between(since, app.clock().instant()), detail);
        }

        RestoreResult end(Outcome outcome, String reason) {
            return new RestoreResult(outcome, reason, Optional.empty(), Optional.empty(), steps, checks, warnings);
        }

        RestoreResult success(RestorePlan plan, Duration restoreTime) {
            String reason = "backup " + plan.backup().id() + " restored into " + plan.database() + " on " + plan.where()
                    + " in " + Durations.describe(restoreTime) + "; " + checks.size() + " checks passed"
                    + plan.keepOldAs().map(k -> "; the replaced database is kept as " + k).orElse("");
            return new RestoreResult(Outcome.PASSED, reason, Optional.of(plan.database()), plan.keepOldAs(), steps, checks,
                    warnings);
        }
    }
}
