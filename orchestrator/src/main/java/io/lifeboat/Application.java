package io.lifeboat;

import io.lifeboat.backup.BackupLister;
import io.lifeboat.backup.BackupPipeline;
import io.lifeboat.config.ConfigLoader;
import io.lifeboat.config.ConfigRules;
import io.lifeboat.drills.check.Expectation;
import java.util.Optional;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.engine.Engines;
import io.lifeboat.engine.postgres.PostgresEngine;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.StorageTargets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The one place where lifeboat's objects are wired together (no framework, no scanning): which
 * engines exist, how a target is opened for which side, how a pipeline is assembled. Commands
 * ask this class and never construct the parts themselves.
 */
public final class Application {

    private final Engines engines;
    private final Clock clock;

    public Application(Engines engines, Clock clock) {
        this.engines = engines;
        this.clock = clock;
    }

    /** The production wiring. */
    public static Application standard() {
        return new Application(new Engines(new PostgresEngine()), Clock.systemUTC());
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
                config.compression().level(), target.objectLock(), clock);
    }

    public BackupLister lister(StorageTarget reader) {
        return new BackupLister(reader);
    }

    public Clock clock() {
        return clock;
    }
}
