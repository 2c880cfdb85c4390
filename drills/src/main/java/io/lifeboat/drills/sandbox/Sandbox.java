package io.lifeboat.drills.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway database a drill restores into and checks. Torn down by {@link #close()} on every
 * outcome; a sandbox whose process crashed leaves a marker that the provider's next run cleans up.
 *
 * <p>Engine-neutral: the engine-specific parts (which restore tool, which client) live in the
 * implementation; the drill runner only restores a dump file and asks queries.
 */
public interface Sandbox extends AutoCloseable {

    /** For results and logs: kind, engine and version, and where it is. Never contains secrets. */
    String describe();

    /** Things a person should know about this sandbox (e.g. a newer server major than the source's). */
    List<String> warnings();

    /**
     * Restores a plaintext dump from a private local file (the drill runner has already fetched,
     * verified and decrypted it). Implementations may restore in parallel ({@code pg_restore -j}).
     *
     * @throws RestoreFailedException with the restore tool's stderr when it fails
     */
    void restore(Path dumpFile, String dumpFormat) throws RestoreFailedException;

    /**
     * Runs one query and returns its first row. A statement timeout is set inside the database
     * where the engine supports it, and the client is killed after {@code timeout} in any case.
     *
     * @throws QueryFailedException with the database's error message, or on timeout
     */
    QueryResult query(String sql, Duration timeout) throws QueryFailedException;

    /** Row counts of every user table ({@code schema.table} for PostgreSQL, {@code db.table} elsewhere). */
    java.util.Map<String, Long> rowCounts(Duration timeout) throws QueryFailedException;

    /** Drops or stops everything this sandbox created. Idempotent; never throws for a sandbox already gone. */
    @Override
    void close();
}
