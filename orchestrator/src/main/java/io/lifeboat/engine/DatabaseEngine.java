package io.lifeboat.engine;

import io.lifeboat.config.SourceConfig;

/**
 * One database engine (PostgreSQL, later MariaDB): everything engine-specific about taking a
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
}
