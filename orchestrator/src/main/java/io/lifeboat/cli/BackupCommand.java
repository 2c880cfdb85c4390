package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.BackupEntry;
import io.lifeboat.backup.BackupResult;
import io.lifeboat.backup.BackupStatus;
import io.lifeboat.backup.Manifest;
import io.lifeboat.backup.Progress;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.storage.StorageTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat backup run|list}. */
@Command(name = "backup", description = "Take and list backups.", mixinStandardHelpOptions = true,
        subcommands = {BackupCommand.Run.class, BackupCommand.ListBackups.class})
final class BackupCommand {

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Dump SOURCE and stream it, compressed (zstd) and encrypted (age), into its target.",
                    "Uses the target's write credentials only. The manifest is written last: a backup without one is incomplete.",
                    "The run is recorded in the catalog. Two runs of one source never overlap: a second one exits 3."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:backup stored and manifest written",
                    "1:the dump or the upload failed (nothing left looking complete)",
                    "2:bad usage or invalid configuration",
                    "3:could not complete (database or target unreachable)"})
    static final class Run extends ConfiguredCommand implements Callable<Integer> {
        @Parameters(paramLabel = "SOURCE", description = "Name of a source under 'sources:'.")
        String sourceName;

        @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        Run(Application app) {
            super(app);
        }

        @Override
        public Integer call() {
            LifeboatConfig config = config();
            SourceConfig source = config.source(sourceName);
            TargetConfig target = config.targetOf(source);
            List<String> warnings = new ArrayList<>();
            Warnings.blastRadius(target).ifPresent(warnings::add);
            warnings.forEach(w -> err().println("warning: " + w));
            BackupResult result;
            try {
                Progress progress = ProgressLine.forTerminal(err());
                try {
                    result = app.jobs().backup(config, source.name(), RunOrigin.CLI, progress, w -> {
                        warnings.add(w);
                        err().println("warning: " + w);
                    });
                } finally {
                    if (progress instanceof ProgressLine line) {
                        line.finish();
                    }
                }
            } catch (LifeboatException e) {
                if (format == OutputFormat.json) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("status", "failed");
                    doc.put("source", source.name());
                    doc.put("exit_code", e.exitCode().code());
                    doc.put("error", e.getMessage());
                    doc.put("warnings", warnings);
                    out().println(Json.write(doc));
                    out().flush();
                }
                throw e;
            }
            Manifest m = result.manifest();
            if (format == OutputFormat.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("status", "ok");
                doc.put("source", m.source());
                doc.put("backup_id", m.backupId());
                doc.put("target", result.target());
                doc.put("object_key", m.objectKey());
                doc.put("manifest_key", result.manifestKey());
                doc.put("raw_bytes", m.rawBytes());
                doc.put("compressed_bytes", m.compressedBytes());
                doc.put("stored_bytes", m.storedBytes());
                doc.put("sha256", m.sha256());
                doc.put("tables", m.rowCounts().size());
                doc.put("rows", m.rowCounts().values().stream().mapToLong(Long::longValue).sum());
                doc.put("duration_seconds", result.duration().toMillis() / 1000.0);
                doc.put("warnings", warnings);
                out().println(Json.write(doc));
            } else {
                out().printf(Locale.ROOT, "backup %s of %s stored in %s%n", m.backupId(), m.source(), result.target());
                out().printf(Locale.ROOT, "  object   %s%n  manifest %s%n", m.objectKey(), result.manifestKey());
                out().printf(Locale.ROOT, "  %s dumped, %s stored (%.1f%%), %d tables, %d rows, %.1f s%n",
                        ProgressLine.bytes(m.rawBytes()), ProgressLine.bytes(m.storedBytes()),
                        m.rawBytes() == 0 ? 0.0 : 100.0 * m.storedBytes() / m.rawBytes(), m.rowCounts().size(),
                        m.rowCounts().values().stream().mapToLong(Long::longValue).sum(), result.duration().toMillis() / 1000.0);
                out().printf(Locale.ROOT, "  sha256   %s%n", m.sha256());
            }
            out().flush();
            return ExitCode.OK.code();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List SOURCE's backups in its target, newest first, with their status.",
                    "Uses the target's read credentials. A backup without a manifest is listed as INCOMPLETE."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed (whatever the backups' statuses)",
                    "2:bad usage or invalid configuration",
                    "3:could not complete (target unreachable)"})
    static final class ListBackups extends ConfiguredCommand implements Callable<Integer> {
        @Parameters(paramLabel = "SOURCE", description = "Name of a source under 'sources:'.")
        String sourceName;

        @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        ListBackups(Application app) {
            super(app);
        }

        @Override
        public Integer call() {
            LifeboatConfig config = config();
            SourceConfig source = config.source(sourceName);
            TargetConfig target = config.targetOf(source);
            Warnings.blastRadius(target).ifPresent(w -> err().println("warning: " + w));
            List<BackupEntry> entries;
            try (StorageTarget reader = app.openForReading(target)) {
                entries = app.lister(reader).list(source.name());
            }
            if (format == OutputFormat.json) {
                List<Map<String, Object>> docs = new ArrayList<>();
                for (BackupEntry e : entries) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("backup_id", e.id().toString());
                    d.put("status", e.status().name());
                    d.put("started_at", e.id().startedAt().toString());
                    e.dataKey().ifPresent(k -> d.put("object_key", k));
                    d.put("stored_bytes", e.dataBytes());
                    e.manifest().ifPresent(m -> {
                        d.put("raw_bytes", m.rawBytes());
                        d.put("sha256", m.sha256());
                        d.put("finished_at", m.finishedAt().toString());
                        d.put("server_version", m.serverVersion());
                    });
                    if (!e.detail().isEmpty()) {
                        d.put("detail", e.detail());
                    }
                    docs.add(d);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("source", source.name());
                doc.put("target", target.url().toString());
                doc.put("backups", docs);
                out().println(Json.write(doc));
            } else if (entries.isEmpty()) {
                out().println("no backups of " + source.name() + " in " + target.url());
            } else {
                out().printf(Locale.ROOT, "%-26s %-14s %10s  %s%n", "BACKUP", "STATUS", "STORED", "DETAIL");
                for (BackupEntry e : entries) {
                    out().printf(Locale.ROOT, "%-26s %-14s %10s  %s%n", e.id(), e.status(),
                            e.dataBytes() < 0 ? "-" : ProgressLine.bytes(e.dataBytes()),
                            e.status() == BackupStatus.COMPLETE ? "" : e.detail());
                }
            }
            out().flush();
            return ExitCode.OK.code();
        }
    }
}
