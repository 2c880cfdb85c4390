package io.lifeboat.drills.sandbox;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/**
 * An engine's command-line client against one server ({@code psql} and {@code pg_restore},
 * {@code mariadb}), as sandboxes use it on one of its databases. The contracts are those of
 * {@link Sandbox#restore}, {@link Sandbox#query} and {@link Sandbox#rowCounts}.
 */
public interface DatabaseClient {

    void restore(String database, InputStream dump, Duration limit) throws RestoreFailedException, DumpReadException;

    QueryResult query(String database, String sql, Duration timeout) throws QueryFailedException;

    Map<String, Long> rowCounts(String database, Duration timeout) throws QueryFailedException;
}
