package io.lifeboat.drill;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.alert.WebhookAlerter;
import io.lifeboat.backup.BackupEntry;
import io.lifeboat.backup.BackupId;
import io.lifeboat.backup.BackupStatus;
import io.lifeboat.config.CheckConfig;
import io.lifeboat.config.DrillConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SandboxServerConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.drills.DrillProgress;
import io.lifeboat.drills.DrillResult;
import io.lifeboat.drills.DrillRunner;
import io.lifeboat.drills.DrillSpec;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.check.Check;
import io.lifeboat.drills.check.Expectation;
import io.lifeboat.drills.check.SqlCheck;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.sandbox.ProtectedDatabase;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.engine.EngineSandboxes;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageTarget;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a configured drill: picks the backup (newest complete, or the one asked for) with the
 * target's <em>reader</em> credential, restores it in the configured sandbox through the drill
 * library, records the result in the state directory and alerts the webhook. Every outcome,
 * including "there is no backup to restore", becomes a persisted, alerted {@link DrillResult}.
 */
public final class DrillService {

    private final Application app;

    public DrillService(Application app) {
        this.app = app;
    }

    /** What happened: the result, where it was recorded, and whether the alert went out. */
    public record DrillRun(DrillResult result, Path recordedAt, Optional<String> alertProblem, boolean alerted) {
    }

    public DrillRun run(LifeboatConfig config, String drillName, Optional<String> backupId) {
        return run(config, drillName, backupId, DrillProgress.NONE);
    }

    /** As {@link #run(LifeboatConfig, String, Optional)}, telling {@code progress} what the drill is doing. */
    public DrillRun run(LifeboatConfig config, String drillName, Optional<String> backupId, DrillProgress progress) {
        TargetConfig target = config.targetOf(config.sourceOf(config.drill(drillName)));
        return run(config, drillName, backupId, progress, () -> app.openForReading(target));
    }

    /**
     * As {@link #run(LifeboatConfig, String, Optional, DrillProgress)}, with the reader's view of
     * the drill's target from {@code readerOpening} (a caller may have started opening it early);
     * the drill closes what it gets.
     */
    public DrillRun run(LifeboatConfig config, String drillName, Optional<String> backupId, DrillProgress progress,
                        Supplier<StorageTarget> readerOpening) {
        DrillConfig drill = config.drill(drillName);
        SourceConfig source = config.sourceOf(drill);
        TargetConfig target = config.targetOf(source);
        Path identity = config.encryption().identityFile().orElseThrow(() -> new LifeboatException(ExitCode.USAGE,
                "drill " + drill.name() + " needs encryption.identity_file in " + config.file()
                        + ": the age identity that decrypts the backups (it belongs on the drill host only)"));
        backupId.ifPresent(id -> {
            try {
                BackupId.parse(id);
            } catch (IllegalArgumentException e) {
                throw new LifeboatException(ExitCode.USAGE, "--backup: " + e.getMessage());
            }
        });
        DrillSpec spec = spec(drill);
        SandboxProvider provider = provider(config, drill, source);
        Instant started = app.clock().instant();
        DrillResult result;
        try (StorageTarget reader = readerOpening.get()) {
            Optional<BackupEntry> chosen;
            try {
                chosen = choose(reader, source, backupId);
            } catch (StorageException e) {
                result = early(drill, Outcome.ERRORED, "cannot list backups of " + source.name() + " in " + target.url()
                        + ": " + e.getMessage(), started);
                return finish(config, result);
            }
            if (chosen.isEmpty()) {
                result = early(drill, Outcome.FAILED, backupId.map(id -> "backup " + id + " of " + source.name()
                        + " is not in " + target.url()).orElse("no complete backup of " + source.name() + " in " + target.url()
                        + ": there is nothing to restore"), started);
                return finish(config, result);
            }
            BackupEntry entry = chosen.get();
            if (entry.status() != BackupStatus.COMPLETE) {
                result = early(drill, Outcome.FAILED, "backup " + entry.id() + " is " + entry.status() + ": " + entry.detail(), started);
                return finish(config, result);
            }
            StoredBackup backup = new StoredBackup(reader, entry.manifest().orElseThrow(), identity);
            DrillRunner runner = new DrillRunner(provider, app.clock());
            result = runner.run(spec, backup, runner.newRunId(), progress);
        }
        return finish(config, result);
    }

    private static Optional<BackupEntry> choose(StorageTarget reader, SourceConfig source, Optional<String> backupId) {
        List<BackupEntry> entries = new io.lifeboat.backup.BackupLister(reader).list(source.name());
        if (backupId.isPresent()) {
            return entries.stream().filter(e -> e.id().toString().equals(backupId.get())).findFirst();
        }
        // The newest backup that finished (has a manifest). A damaged one is not skipped in favour
        // of an older one: that it is damaged is exactly what the drill must report. Only
        // INCOMPLETE ones (running now, or crashed before the manifest) are passed over.
        return entries.stream().filter(e -> e.status() != BackupStatus.INCOMPLETE).findFirst();
    }

    private DrillRun finish(LifeboatConfig config, DrillResult result) {
        Path recorded = new DrillResultStore(config.stateDir()).save(result);
        Optional<String> alertProblem = Optional.empty();
        boolean alerted = false;
        if (config.alerts().isPresent()) {
            var alerts = config.alerts().get();
            try {
                WebhookAlerter alerter = WebhookAlerter.of(alerts);
                if (alerter.wants(result)) {
                    alerter.send(result);
                    alerted = true;
                }
            } catch (WebhookAlerter.AlertFailedException | PrivateFiles.UnsafeFileException | IllegalArgumentException e) {
                alertProblem = Optional.of("the alert could not be sent: " + e.getMessage());
            }
        }
        return new DrillRun(result, recorded, alertProblem, alerted);
    }

    /** A result for a drill that ended before the drill library could run it. */
    private DrillResult early(DrillConfig drill, Outcome outcome, String reason, Instant started) {
        Instant now = app.clock().instant();
        String runId = DrillRunIds.next(now);
        return new DrillResult(drill.name(), runId, Optional.empty(), outcome, reason, started, now, Optional.empty(),
                Optional.empty(), drill.sandbox().configName(), List.of(), List.of(), List.of());
    }

    /** The drill's configured checks and limits, as the drill library takes them. */
    public static DrillSpec spec(DrillConfig drill) {
        List<Check> checks = new ArrayList<>();
        for (CheckConfig c : drill.checks()) {
            checks.add(new SqlCheck(c.name(), c.sql(), Expectation.parse(c.expect()), c.timeout()));
        }
        return new DrillSpec(drill.name(), checks, drill.maxBackupAge(), drill.maxRestoreTime(), drill.rowCountTolerance());
    }

    private SandboxProvider provider(LifeboatConfig config, DrillConfig drill, SourceConfig source) {
        EngineSandboxes sandboxes = app.engines().forName(source.engine()).sandboxes();
        return switch (drill.sandbox()) {
            case EPHEMERAL -> sandboxes.ephemeral();
            case DOCKER -> sandboxes.docker(drill.image());
            case SERVER -> sandboxes.server(sandboxServer(config.sandboxServerOf(drill).orElseThrow()), guard(config));
        };
    }

    /** The guard knows every configured source and every declared sandbox server. */
    static SandboxGuard guard(LifeboatConfig config) {
        List<ProtectedDatabase> sources = config.sources().values().stream()
                .map(s -> new ProtectedDatabase(s.name(), s.host(), s.port(), s.database())).toList();
        List<SandboxServer> servers = config.sandboxes().values().stream().map(DrillService::sandboxServer).toList();
        return new SandboxGuard(sources, servers);
    }

    private static SandboxServer sandboxServer(SandboxServerConfig s) {
        return new SandboxServer(s.name(), s.host(), s.port(), s.user(), s.passwordFile(), s.sslMode());
    }

    /** Run ids for results the runner did not produce, in the runner's form. */
    static final class DrillRunIds {
        private DrillRunIds() {
        }

        static String next(Instant now) {
            byte[] b = new byte[3];
            new java.security.SecureRandom().nextBytes(b);
            return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(java.time.ZoneOffset.UTC).format(now)
                    + "-" + java.util.HexFormat.of().formatHex(b);
        }
    }

}
