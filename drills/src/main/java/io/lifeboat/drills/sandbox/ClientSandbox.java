package io.lifeboat.drills.sandbox;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sandbox that is one database reached through the engine's client: restores, queries and row
 * counts go to {@link DatabaseClient} on {@link #database()}. Subclasses say where the database
 * is ({@link #describe()}), which dump format they restore, and how they go away ({@link #close()}).
 */
public abstract class ClientSandbox implements Sandbox {

    private final DatabaseClient client;
    private final String database;
    private final List<String> warnings;

    protected ClientSandbox(DatabaseClient client, String database, List<String> warnings) {
        this.client = Objects.requireNonNull(client, "client");
        this.database = Objects.requireNonNull(database, "database");
        this.warnings = List.copyOf(warnings);
    }

    /** The database restored into and queried. */
    public String database() {
        return database;
    }

    /**
     * @throws IllegalArgumentException for a format this sandbox cannot restore: a lifeboat
     *                                  limitation, which says nothing of the backup
     */
    protected abstract void requireRestorable(String dumpFormat);

    @Override
    public List<String> warnings() {
        return warnings;
    }

    /** Pipes the dump into the engine's restore tool on {@link #database()}. */
    @Override
    public void restore(InputStream dump, String dumpFormat, Duration limit) throws RestoreFailedException, DumpReadException {
        requireRestorable(dumpFormat);
        client.restore(database, dump, limit);
    }

    @Override
    public QueryResult query(String sql, Duration timeout) throws QueryFailedException {
        return client.query(database, sql, timeout);
    }

    @Override
    public Map<String, Long> rowCounts(Duration timeout) throws QueryFailedException {
        return client.rowCounts(database, timeout);
    }

    @Override
    public String toString() {
        return describe();
    }
}
