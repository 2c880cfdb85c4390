package io.lifeboat.restore;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.BackupEntry;
import io.lifeboat.backup.BackupId;
import io.lifeboat.backup.BackupStatus;
import io.lifeboat.backup.Manifest;
import io.lifeboat.config.CheckConfig;
import io.lifeboat.config.DrillConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.catalog.CatalogException;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.drill.DrillService;
import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Sizes;
import io.lifeboat.drills.check.CanaryCheck;
import io.lifeboat.drills.check.Check;
import io.lifeboat.drills.check.RowCountCheck;
import io.lifeboat.drills.restore.ExistingDatabase;
import io.lifeboat.drills.restore.RestoreTarget;
import io.lifeboat.drills.restore.RestoreTargetException;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageTarget;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Makes a {@link RestorePlan} and changes nothing: lists backups with the reader credential,
 * looks at the target server (read-only) and at the drill results in the state directory. What
 * it refuses (writing into an existing database without {@code --replace}, replacing what is not
 * there, a name that is not plain) is a usage error: exit 2, nothing attempted.
 */
public final class RestorePlanner {

    /** Databases named by lifeboat carry the plan's time, UTC, to the second. */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    /** Plain names only: no quoting surprises in any engine, and nothing a shell or a person misreads. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** The shortest identifier limit of the engines lifeboat supports (PostgreSQL 63, MariaDB 64). */
    private static final int MAX_NAME = 63;

    private final Application app;

    public RestorePlanner(Application app) {
        this.app = app;
    }

    /**
     * @param plannedAt the plan's time; the names of the databases it creates carry it, so the
     *                  same ask and time give the same plan (an approval request re-plans this way)
     */
    public RestorePlan plan(LifeboatConfig config, RestoreAsk ask, Instant plannedAt) {
        SourceConfig source = config.source(ask.source());
        if (ask.backupId().isPresent() && ask.at().isPresent()) {
            throw new LifeboatException(ExitCode.USAGE, "--backup and --at name the backup twice; give one");
        }
        ask.backupId().ifPresent(id -> {
            try {
                BackupId.parse(id);
            } catch (IllegalArgumentException e) {
                throw new LifeboatException(ExitCode.USAGE, "--backup: " + e.getMessage());
            }
        });
        List<String> warnings = new ArrayList<>();
        BackupEntry entry = choose(config, source, ask, warnings);
        Manifest manifest = entry.manifest().orElseThrow();

        String stamp = STAMP.format(plannedAt);
        RestoreTarget server = app.engines().forName(source.engine()).restoreTarget(source);
        String database;
        Optional<ExistingDatabase> existing;
        if (ask.into().isEmpty() && !ask.replace()) {
            database = freeDefaultName(server, source.database() + "_restored_" + stamp);
            existing = Optional.empty();
        } else {
            database = requirePlainName(ask.into().orElse(source.database()), "--into");
            existing = inspect(server, database);
        }
        Optional<String> keepOldAs = Optional.empty();
        String restoreInto = database;
        if (ask.replace()) {
            Optional<String> cannot = server.cannotReplace();
            if (cannot.isPresent()) {
                throw new LifeboatException(ExitCode.USAGE, "--replace is not possible on " + server.describe() + ": "
                        + cannot.get());
            }
            if (existing.isEmpty()) {
                throw new LifeboatException(ExitCode.USAGE, "--replace: there is no database " + database + " on "
                        + server.describe() + " to replace; without --replace the backup is restored into a new database");
            }
            restoreInto = requirePlainName(database + "_restoring_" + stamp, "the database restored into first");
            keepOldAs = Optional.of(requirePlainName(database + "_replaced_" + stamp, "the name the replaced database keeps"));
        } else if (existing.isPresent()) {
            ExistingDatabase e = existing.get();
            throw new LifeboatException(ExitCode.USAGE, "refused: database " + database + " already exists on "
                    + server.describe() + " (" + Sizes.describe(e.bytes()) + ", " + e.tables() + " tables); lifeboat restore"
                    + " never writes into an existing database. " + (server.cannotReplace().isPresent()
                    ? "Choose another --into (--replace is not possible here: " + server.cannotReplace().get() + ")"
                    : "Add --replace to restore into a new database and swap it in (the existing one is kept as "
                    + database + "_replaced_" + stamp + "), or choose another --into"));
        }

        DrillHistory history = drillHistory(config, source);
        Optional<DrillRecord> lastDrill = history.runs().stream().findFirst();
        Optional<Duration> expected = lastDrill.flatMap(DrillRecord::restoreDuration);
        String expectedBasis = history.unreadable().map(why -> "unknown: " + why).orElseGet(() -> lastDrill.isEmpty()
                ? "unknown: no drill has run"
                : expected.map(d -> "the restore time of drill " + lastDrill.get().drill() + " on " + lastDrill.get().finishedAt())
                .orElse("unknown: the last drill (" + lastDrill.get().drill() + ", " + lastDrill.get().outcome()
                        + ") restored nothing"));

        RestorePlan.BackupFacts facts = new RestorePlan.BackupFacts(manifest.backupId(), manifest.startedAt(),
                Duration.between(manifest.startedAt(), plannedAt), manifest.storedBytes(), manifest.sha256(),
                drillOutcomeOf(config, source, history, manifest.backupId()));
        return new RestorePlan(source.name(), server.describe(), source.host(), source.port(), facts, database, restoreInto,
                existing, keepOldAs, expected, expectedBasis, checks(config, source, manifest), ask.ownership(), server.ownershipNote(ask.ownership()),
                source.restore().gate(),
                plannedAt, warnings, manifest);
    }

    private BackupEntry choose(LifeboatConfig config, SourceConfig source, RestoreAsk ask, List<String> warnings) {
        String where = config.targetOf(source).url().toString();
        List<BackupEntry> entries;
        try (StorageTarget reader = app.openForReading(config.targetOf(source))) {
            entries = app.lister(reader).list(source.name());
        } catch (StorageException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "cannot list backups of " + source.name() + " in " + where
                    + ": " + e.getMessage(), e);
        }
        if (ask.backupId().isPresent()) {
            BackupEntry e = entries.stream().filter(x -> x.id().toString().equals(ask.backupId().get())).findFirst()
                    .orElseThrow(() -> new LifeboatException(ExitCode.USAGE, "backup " + ask.backupId().get() + " of "
                            + source.name() + " is not in " + where + " (lifeboat backup list " + source.name() + ")"));
            if (e.status() != BackupStatus.COMPLETE) {
                throw new LifeboatException(ExitCode.FAILED, "backup " + e.id() + " is " + e.status() + ": " + e.detail()
                        + "; it cannot be restored");
            }
            return e;
        }
        for (BackupEntry e : entries) {
            if (ask.at().isPresent() && e.manifest().map(m -> m.startedAt().isAfter(ask.at().get())).orElse(true)) {
                continue;
            }
            if (e.status() == BackupStatus.COMPLETE) {
                return e;
            }
            if (e.status() != BackupStatus.INCOMPLETE) {
                // a damaged newer backup is not hidden: the person should know why an older one is used
                warnings.add("backup " + e.id() + " is newer but " + e.status() + " (" + e.detail() + "); skipped");
            }
        }
        throw new LifeboatException(ExitCode.FAILED, "no complete backup of " + source.name() + " in " + where
                + ask.at().map(t -> " taken at or before " + t).orElse("") + ": there is nothing to restore");
    }

    /** How many numbered names are tried after the default one is taken. */
    private static final int DEFAULT_NAME_TRIES = 20;

    /**
     * The default name, or {@code <name>_2}, {@code _3}, ... when an earlier restore in the same
     * second took it: a name lifeboat chose itself is no reason to refuse (a name the person gave
     * with {@code --into} is, below). The plan shows the name, and the approval binds it.
     */
    private static String freeDefaultName(RestoreTarget server, String name) {
        for (int n = 1; n <= DEFAULT_NAME_TRIES; n++) {
            String candidate = requirePlainName(n == 1 ? name : name + "_" + n, "the default database name (give --into)");
            if (inspect(server, candidate).isEmpty()) {
                return candidate;
            }
        }
        throw new LifeboatException(ExitCode.USAGE, "the default database names " + name + " to " + name + "_"
                + DEFAULT_NAME_TRIES + " are all taken on " + server.describe() + "; choose one with --into");
    }

    private static Optional<ExistingDatabase> inspect(RestoreTarget server, String database) {
        try {
            return server.inspect(database);
        } catch (RestoreTargetException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, e.getMessage(), e);
        }
    }

    private static String requirePlainName(String name, String what) {
        if (!PLAIN_NAME.matcher(name).matches() || name.length() > MAX_NAME) {
            throw new LifeboatException(ExitCode.USAGE, what + ": '" + name + "' is not a plain database name (letters,"
                    + " digits and _, not starting with a digit, at most " + MAX_NAME + " characters)");
        }
        return name;
    }

    private static List<DrillConfig> drillsOf(LifeboatConfig config, SourceConfig source) {
        return config.drills().values().stream().filter(d -> d.source().equals(source.name())).toList();
    }

    /** How many recent runs per drill are searched for one of the chosen backup. */
    private static final int DRILL_RUNS_SEARCHED = 50;

    /**
     * The recent runs of the source's drills, newest first, from the catalog (every node's runs).
     * Never a reason to refuse: a restore during an incident must not depend on the catalog being
     * up, so an unreadable catalog is said in the plan instead.
     */
    private record DrillHistory(List<DrillRecord> runs, Optional<String> unreadable) {
    }

    private DrillHistory drillHistory(LifeboatConfig config, SourceConfig source) {
        List<String> drills = drillsOf(config, source).stream().map(DrillConfig::name).toList();
        if (drills.isEmpty()) {
            return new DrillHistory(List.of(), Optional.empty());
        }
        try {
            return new DrillHistory(app.catalog(config).recentDrillRuns(drills, DRILL_RUNS_SEARCHED).values().stream()
                    .flatMap(List::stream).sorted(Comparator.comparing(DrillRecord::finishedAt).reversed()).toList(),
                    Optional.empty());
        } catch (CatalogException e) {
            return new DrillHistory(List.of(), Optional.of("the catalog could not be read (" + e.getMessage() + ")"));
        }
    }

    /**
     * What the catalog says about drills of the chosen backup: the newest run of any drill of the
     * source on exactly this backup, else the newest run of any of them.
     */
    private static String drillOutcomeOf(LifeboatConfig config, SourceConfig source, DrillHistory history, String backupId) {
        if (drillsOf(config, source).isEmpty()) {
            return "never drilled: no drill is configured for " + source.name();
        }
        if (history.unreadable().isPresent()) {
            return "unknown: " + history.unreadable().get();
        }
        if (history.runs().isEmpty()) {
            return "never drilled: no drill of " + source.name() + " has run";
        }
        Optional<DrillRecord> ofThisBackup = history.runs().stream()
                .filter(r -> r.backupId().equals(Optional.of(backupId))).findFirst();
        if (ofThisBackup.isPresent()) {
            return describe(ofThisBackup.get());
        }
        DrillRecord newest = history.runs().get(0);
        return "not drilled; the last drill was " + describe(newest) + " on backup " + newest.backupId().orElse("(none)");
    }

    private static String describe(DrillRecord r) {
        return r.outcome() + " (drill " + r.drill() + ", " + r.finishedAt() + ")";
    }

    /**
     * Row counts against the manifest (exactly), the canary row when the backup has one, then
     * every check of every drill of the source: what a drill proves, proven again on the result.
     */
    static List<RestorePlan.PlannedCheck> checks(LifeboatConfig config, SourceConfig source, Manifest manifest) {
        List<RestorePlan.PlannedCheck> checks = new ArrayList<>();
        long rows = manifest.rowCounts().values().stream().mapToLong(Long::longValue).sum();
        checks.add(new RestorePlan.PlannedCheck("row counts equal the manifest's: " + manifest.rowCounts().size()
                + " tables, " + String.format(java.util.Locale.ROOT, "%,d", rows) + " rows", new RowCountCheck(0.0)));
        if (manifest.canary() != null) {
            checks.add(new RestorePlan.PlannedCheck("canary row " + manifest.canary().token() + " is there", new CanaryCheck()));
        }
        for (DrillConfig drill : drillsOf(config, source)) {
            List<Check> specChecks = DrillService.spec(drill).checks();
            for (int i = 0; i < specChecks.size(); i++) {
                CheckConfig c = drill.checks().get(i);
                checks.add(new RestorePlan.PlannedCheck("drill " + drill.name() + ": " + c.name() + ": " + c.sql().strip()
                        + " (expect " + c.expect() + ", timeout " + Durations.describe(c.timeout()) + ")", specChecks.get(i)));
            }
        }
        return checks;
    }
}
