package io.lifeboat.drills.postgres;

import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.SandboxServer;

import java.time.Duration;
import java.util.List;
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
public final class ServerSandbox extends PostgresDatabaseSandbox {

    private static final Duration DROP_TIMEOUT = Duration.ofMinutes(5);

    private final SandboxServer server;
    private final int serverVersionNum;
    private final String serverVersion;
    private boolean closed;

    ServerSandbox(SandboxServer server, String database, int serverVersionNum, String serverVersion,
                  PostgresClient client, List<String> warnings) {
        super(client, database, warnings);
        this.server = Objects.requireNonNull(server, "server");
        this.serverVersionNum = serverVersionNum;
        this.serverVersion = serverVersion;
    }

    /** The server it lives on. */
    public SandboxServer server() {
        return server;
    }

    @Override
    public String describe() {
        return "server sandbox " + server.name() + ": database " + database() + " on " + server.endpoint()
                + " (PostgreSQL " + serverVersion + ", user " + server.user() + ")";
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
        String name = PrivatePostgresCluster.quoteIdentifier(database());
        try {
            if (serverVersionNum >= 130000) {
                client().execute(ServerSandboxProvider.MAINTENANCE_DATABASE,
                        "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", DROP_TIMEOUT);
            } else {
                client().execute(ServerSandboxProvider.MAINTENANCE_DATABASE, "SELECT pg_terminate_backend(pid)"
                        + " FROM pg_stat_activity WHERE datname = " + literal(database()), DROP_TIMEOUT);
                client().execute(ServerSandboxProvider.MAINTENANCE_DATABASE, "DROP DATABASE IF EXISTS " + name, DROP_TIMEOUT);
            }
            closed = true;
        } catch (QueryFailedException | RuntimeException e) {
            throw new IllegalStateException("could not drop the throwaway database " + database() + " on sandbox server "
                    + server.name() + " (" + server.endpoint() + "): " + e.getMessage() + "; drop it by hand: DROP DATABASE "
                    + name + ";", e);
        }
    }

    /** {@code s} as an SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

}
