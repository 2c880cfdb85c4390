package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.sandbox.ClientSandbox;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.SandboxServer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code server} sandbox on MariaDB: a throwaway database {@code lifeboat_drill_<drill>_<run>}
 * that {@link MariaDbServerSandboxProvider} created on a declared sandbox server (after the
 * {@link io.lifeboat.drills.sandbox.SandboxGuard} accepted it), restored into and queried with the
 * {@code mariadb} client over TCP, and dropped by {@link #close()}. Only the database this
 * object created is ever dropped.
 */
public final class MariaDbServerSandbox extends ClientSandbox {

    private static final Duration DROP_TIMEOUT = Duration.ofMinutes(5);

    private final SandboxServer server;
    private final String serverVersion;
    private final MariaDbClient client;
    private boolean closed;

    MariaDbServerSandbox(SandboxServer server, String database, String serverVersion, MariaDbClient client,
                         List<String> warnings) {
        super(client, database, warnings);
        this.server = Objects.requireNonNull(server, "server");
        this.serverVersion = serverVersion;
        this.client = client;
    }

    @Override
    public String describe() {
        return "server sandbox " + server.name() + ": database " + database() + " on " + server.endpoint()
                + " (MariaDB " + serverVersion + ", user " + server.user() + ")";
    }

    @Override
    protected void requireRestorable(String dumpFormat) {
        MariaDbDumpFormats.requireRestorable(dumpFormat);
    }

    /**
     * Drops the database. Idempotent; a database already gone is fine.
     *
     * @throws IllegalStateException when it could not be dropped, with the statement to drop it by hand
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        String name = MariaDbClient.identifier(database());
        try {
            client.execute("", "DROP DATABASE IF EXISTS " + name, DROP_TIMEOUT);
            closed = true;
        } catch (QueryFailedException | RuntimeException e) {
            throw new IllegalStateException("could not drop the throwaway database " + database() + " on sandbox server "
                    + server.name() + " (" + server.endpoint() + "): " + e.getMessage() + "; drop it by hand: DROP DATABASE "
                    + name + ";", e);
        }
    }
}
