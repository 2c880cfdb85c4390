package io.lifeboat.drills.postgres;

import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code server} sandbox: a throwaway database {@code lifeboat_drill_<drill>_<run>} that
 * {@link ServerSandboxProvider} created on a declared sandbox server (after the
 * {@link io.lifeboat.drills.sandbox.SandboxGuard} accepted it), restored into over TCP with
 * {@code pg_restore}, queried with {@code psql}, and dropped by {@link #close()}.
 *
 * <p>Only the database this object created is ever dropped: its name comes from the provider,
 * passed the guard, and the provider refuses to reuse one that already existed.
 */
public final class ServerSandbox implements Sandbox {

    private static final Duration DROP_TIMEOUT = Duration.ofMinutes(5);

    private final SandboxServer server;
    private final String database;
    private final int serverVersionNum;
    private final String serverVersion;
    private final PostgresClient client;
    private final List<String> warnings;
    private boolean closed;

    ServerSandbox(SandboxServer server, String database, int serverVersionNum, String serverVersion,
                  PostgresClient client, List<String> warnings) {
        this.server = Objects.requireNonNull(server, "server");
        this.database = Objects.requireNonNull(database, "database");
        this.serverVersionNum = serverVersionNum;
        this.serverVersion = serverVersion;
        this.client = Objects.requireNonNull(client, "client");
        this.warnings = List.copyOf(warnings);
    }

    /** The throwaway database's name. */
    public String database() {
        return database;
    }

    /** The server it lives on. */
    public SandboxServer server() {
        return server;
    }

    @Override
    public String describe() {
        return "server sandbox " + server.name() + ": database " + database + " on " + server.endpoint()
                + " (PostgreSQL " + serverVersion + ", user " + server.user() + ")";
    }

    @Override
    public List<String> warnings() {
        return warnings;
    }

    /**
     * {@code pg_restore --no-owner --no-privileges --exit-on-error -j 2} over TCP.
     *
     * @throws IllegalArgumentException for a dump format other than {@code pg_dump-custom}
     */
    @Override
    public void restore(Path dumpFile, String dumpFormat) throws RestoreFailedException {
        PostgresDumpFormats.requireRestorable(dumpFormat);
        client.restore(database, dumpFile, EphemeralPostgresSandbox.RESTORE_JOBS, EphemeralPostgresSandbox.RESTORE_LIMIT);
    }

    @Override
    public QueryResult query(String sql, Duration timeout) throws QueryFailedException {
        return client.query(database, sql, timeout);
    }

    @Override
    public Map<String, Long> rowCounts(Duration timeout) throws QueryFailedException {
        return client.rowCounts(database, timeout);
    }

    /**
     * Drops the database, disconnecting whoever is still connected ({@code WITH (FORCE)} from
     * PostgreSQL 13; before that, their backends are terminated first). Idempotent; a database
     * already gone is fine.
     *
     * @throws IllegalStateException when it could not be dropped, with the statement to drop it by hand
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        String name = PrivatePostgresCluster.quoteIdentifier(database);
        try {
            if (serverVersionNum >= 130000) {
                client.execute(ServerSandboxProvider.MAINTENANCE_DATABASE,
                        "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", DROP_TIMEOUT);
            } else {
                client.execute(ServerSandboxProvider.MAINTENANCE_DATABASE, "SELECT pg_terminate_backend(pid)"
                        + " FROM pg_stat_activity WHERE datname = " + literal(database), DROP_TIMEOUT);
                client.execute(ServerSandboxProvider.MAINTENANCE_DATABASE, "DROP DATABASE IF EXISTS " + name, DROP_TIMEOUT);
            }
            closed = true;
        } catch (QueryFailedException | RuntimeException e) {
            throw new IllegalStateException("could not drop the throwaway database " + database + " on sandbox server "
                    + server.name() + " (" + server.endpoint() + "): " + e.getMessage() + "; drop it by hand: DROP DATABASE "
                    + name + ";", e);
        }
    }

    /** {@code s} as an SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return describe();
    }
}
