package io.lifeboat.drills.sandbox;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway database a drill restores into and checks. Torn down by {@link #close()} on every
 * outcome; a sandbox whose process crashed leaves a marker that the provider's next run cleans up.
 *
 * <p>Engine-neutral: the engine-specific parts (which restore tool, which client) live in the
 * implementation; the drill runner only hands it a dump stream and asks queries.
 */
public interface Sandbox extends AutoCloseable {

    /**
     * How long a restore may run when nothing shorter is asked (a drill without
     * {@code max_restore_time}, the restore command): long enough for any real database, short
     * enough that a hung restore does not hold its sandbox and the job's lock forever.
     */
    Duration RESTORE_LIMIT = Duration.ofHours(24);

    /** For results and logs: kind, engine and version, and where it is. Never contains secrets. */
    String describe();

    /** Things a person should know about this sandbox (e.g. a newer server major than the source's). */
    List<String> warnings();

    /**
     * Restores a plaintext dump by piping {@code dump} into the engine's restore tool, front to
     * back, without a local copy: the plaintext never touches a disk outside the sandbox's
     * database, and fetching, decrypting and restoring overlap. When the restore tool ends
     * before the stream does, the rest of the stream is still read (and thrown away), because
     * the stream verifies the backup's checksum only at its end.
     *
     * @param limit how long the restore tool may run: it is stopped after that
     * @throws RestoreStoppedException the restore tool ran past {@code limit} and was stopped
     * @throws RestoreFailedException  with the restore tool's stderr when it fails
     * @throws DumpReadException       reading {@code dump} failed (the restore tool was stopped);
     *                                 the cause is the stream's exception, which takes precedence
     *                                 over anything the stopped tool said
     */
    void restore(InputStream dump, String dumpFormat, Duration limit) throws RestoreFailedException, DumpReadException;

    /** {@link #restore(InputStream, String, Duration)} stopped only if it hangs: after {@link #RESTORE_LIMIT}. */
    default void restore(InputStream dump, String dumpFormat) throws RestoreFailedException, DumpReadException {
        restore(dump, dumpFormat, RESTORE_LIMIT);
    }

    /**
     * Runs one query and returns its first row. A statement timeout is set inside the database
     * where the engine supports it, and the client is killed after {@code timeout} in any case.
     *
     * @throws QueryFailedException with the database's error message, or on timeout
     */
    QueryResult query(String sql, Duration timeout) throws QueryFailedException;

    /**
     * Row counts of every user table, keyed as the engine's manifest keys them: {@code schema.table}
     * for PostgreSQL, the table name alone for MariaDB (whose dump holds one database).
     */
    java.util.Map<String, Long> rowCounts(Duration timeout) throws QueryFailedException;

    /** Drops or stops everything this sandbox created. Idempotent; never throws for a sandbox already gone. */
    @Override
    void close();
}
