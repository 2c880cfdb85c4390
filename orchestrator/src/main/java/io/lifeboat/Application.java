package io.lifeboat;

import io.lifeboat.audit.Auditor;
import io.lifeboat.backup.BackupLister;
import io.lifeboat.backup.BackupPipeline;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.CatalogDatabase;
import io.lifeboat.catalog.CatalogException;
import io.lifeboat.config.CatalogConfig;
import io.lifeboat.jobs.Jobs;
import io.lifeboat.restore.CatalogRestoreJournal;
import io.lifeboat.restore.JsonLinesRestoreJournal;
import io.lifeboat.restore.RestoreJournal;
import java.util.function.Consumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.lifeboat.config.ConfigLoader;
import io.lifeboat.config.ConfigRules;
import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.drills.check.Expectation;
import java.util.Optional;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.credentials.CallerAccounts;
import io.lifeboat.engine.Engines;
import io.lifeboat.engine.mariadb.MariaDbEngine;
import io.lifeboat.engine.postgres.PostgresEngine;
import io.lifeboat.storage.PermissionProbe;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.StorageTargets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The one place where lifeboat's objects are wired together (no framework, no scanning): which
 * engines exist, how a target is opened for which side, how a pipeline is assembled. Commands
 * ask this class and never construct the parts themselves.
 */
public final class Application implements AutoCloseable {

    private final Engines engines;
    private final Clock clock;
    /** One opened (and migrated) catalog per database for the life of the process. */
    private final Map<CatalogConfig, Catalog> catalogs = new ConcurrentHashMap<>();

    public Application(Engines engines, Clock clock) {
        this.engines = engines;
        this.clock = clock;
    }

    /** The production wiring. */
    public static Application standard() {
        return new Application(new Engines(new PostgresEngine(), new MariaDbEngine()), Clock.systemUTC());
    }

    public Engines engines() {
        return engines;
    }

    public LifeboatConfig loadConfig(Path file) {
        return ConfigLoader.load(file, new ConfigRules(engines.names(), Application::expectationProblem));
    }

    /** The drill library owns the expectation syntax; the loader reports its message with file and line. */
    private static Optional<String> expectationProblem(String text) {
        try {
            Expectation.parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The writer's view of a target: backups only ever use this one. */
    public StorageTarget openForWriting(TargetConfig target) {
        return StorageTargets.open(target, StorageTargets.Access.WRITE);
    }

    /** The reader's view of a target: listings and drills only ever use this one. */
    public StorageTarget openForReading(TargetConfig target) {
        return StorageTargets.open(target, StorageTargets.Access.READ);
    }

    public BackupPipeline pipeline(LifeboatConfig config, SourceConfig source, StorageTarget writer) {
        TargetConfig target = config.targetOf(source);
        return new BackupPipeline(engines.forName(source.engine()), writer, config.encryption().recipients(),
                config.compression(), target.objectLock(), clock);
    }

    /** The audit, probing each target with its own two credentials. */
    public Auditor auditor() {
        return new Auditor(new Auditor.Probes() {
            @Override
            public PermissionProbe open(TargetConfig target, StorageTargets.Access access) {
                return StorageTargets.openProbe(target, access);
            }

            @Override
            public PermissionProbe openAsAgent(TargetConfig target, CredentialsConfig agent) {
                return StorageTargets.openAgentProbe(target, agent);
            }

            @Override
            public CallerAccounts.Answer sourceAccount(TargetConfig target, CredentialsConfig credentials) {
                return CallerAccounts.sourceAccount(credentials, target);
            }
        }, clock);
    }

    public BackupLister lister(StorageTarget reader) {
        return new BackupLister(reader);
    }

    /** The catalog the configuration names, opened and migrated on first use. */
    public Catalog catalog(LifeboatConfig config) {
        return catalogs.computeIfAbsent(config.catalog(), c -> new Catalog(CatalogDatabase.open(c)));
    }

    /**
     * Closes the catalogs this process opened: a command that ends leaves no pool threads and no
     * open H2 file behind (in tests, a temp directory is deleted while H2 still writes its lock file).
     */
    @Override
    public void close() {
        for (Catalog c : catalogs.values()) {
            c.database().close();
        }
        catalogs.clear();
    }

    /** Backups and drills under their locks, recorded in the catalog. */
    public Jobs jobs() {
        return new Jobs(this);
    }

    /**
     * Where restore requests, approvals, refusals and outcomes are recorded: the catalog.
     *
     * <p>When the catalog cannot be opened, the steps go to {@code <state_dir>/restore-journal.jsonl}
     * instead and {@code warnings} is told, as {@link Jobs} does for backup and drill runs. A
     * restore is what one runs when things are broken, and a PostgreSQL catalog may be on the very
     * server that broke: refusing to restore because the bookkeeping is down would be the wrong way
     * round. The file keeps the rule that every step is recorded durably before it counts (a write
     * that fails, to either, stops the step). Once the catalog is open, a failed write is not sent
     * to the file: the step stops with the catalog's error rather than scattering one command's
     * steps over two places. (The steps of one approval request, taken by two commands, can still
     * end up in both when the catalog was down for one of them; each warned.)
     */
    public RestoreJournal restoreJournal(LifeboatConfig config, Consumer<String> warnings) {
        try {
            return new CatalogRestoreJournal(catalog(config));
        } catch (CatalogException e) {
            JsonLinesRestoreJournal file = new JsonLinesRestoreJournal(config.stateDir());
            warnings.accept("the catalog cannot be opened, so this restore's steps are recorded in " + file.file()
                    + " instead: " + e.getMessage());
            return file;
        }
    }

    public Clock clock() {
        return clock;
    }
}
