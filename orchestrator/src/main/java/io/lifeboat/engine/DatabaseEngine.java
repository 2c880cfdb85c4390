package io.lifeboat.engine;

import io.lifeboat.config.SourceConfig;

/**
 * One database engine (PostgreSQL, MariaDB): everything engine-specific about taking a
 * dump lives behind this, so the pipeline, storage and manifest code never branch on the engine.
 * Implementations are found through {@link Engines}.
 */
public interface DatabaseEngine {

    /** The name used in configuration ({@code engine: postgres}). */
    String name();

    /**
     * Starts a consistent dump of the source and returns its byte stream. The password reaches
     * the dump tool only through a temporary 0600 file; the child gets an environment without
     * cloud credentials. Failure to connect is a {@link io.lifeboat.LifeboatException} with
     * exit code 3 (could not complete).
     */
    DumpSession startDump(SourceConfig source);

    /** Where this engine's backups can be restored for drills. */
    EngineSandboxes sandboxes();

    /**
     * The source's own server as the place {@code lifeboat restore} restores onto (a new
     * database there, or one swapped in for the source's). Reaching the server happens on first
     * use, not here. An engine without it yet says so: a usage error, nothing attempted.
     */
    default io.lifeboat.drills.restore.RestoreTarget restoreTarget(SourceConfig source) {
        throw new io.lifeboat.LifeboatException(io.lifeboat.ExitCode.USAGE, "lifeboat restore is not available for engine '"
                + name() + "' in this build yet (source " + source.name() + ")");
    }
}
