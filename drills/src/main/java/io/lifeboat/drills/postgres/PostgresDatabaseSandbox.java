package io.lifeboat.drills.postgres;

import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.ClientSandbox;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What every PostgreSQL sandbox is once it exists: one database, restored into with
 * {@code pg_restore} and queried with {@code psql} through a {@link PostgresClient}. The kinds
 * differ in where that database lives (a private cluster, a declared server, a container), so in
 * how they are described and torn down, and in where the client tools run.
 */
abstract class PostgresDatabaseSandbox extends ClientSandbox {

    private final PostgresClient client;

    PostgresDatabaseSandbox(PostgresClient client, String database, List<String> warnings) {
        super(client, database, warnings);
        this.client = Objects.requireNonNull(client, "client");
    }

    /** @throws SandboxUnavailableException for a backup of another engine: a {@code kind} PostgreSQL sandbox cannot restore it */
    static void requirePostgres(SandboxRequest request, String kind) throws SandboxUnavailableException {
        if (!"postgres".equals(request.engine())) {
            throw new SandboxUnavailableException("the " + kind + " PostgreSQL sandbox cannot restore a backup of engine '"
                    + request.engine() + "'");
        }
    }

    /**
     * Creates the empty database {@code name} that a backup is restored into, from template0:
     * nothing a local admin or an image's init scripts put into template1 can clash with the restore.
     */
    static void createRestoreDatabase(PostgresClient client, String name) throws QueryFailedException {
        client.execute("postgres", "CREATE DATABASE " + PrivatePostgresCluster.quoteIdentifier(name) + " TEMPLATE template0",
                Duration.ofSeconds(60));
    }

    /**
     * Tears down what a provider started after the restore database could not be created, and
     * says so as an ERRORED drill's reason.
     */
    static SandboxUnavailableException couldNotCreateDatabase(String name, String where, Exception e, Runnable teardown) {
        try {
            teardown.run();
        } catch (RuntimeException cleanup) {
            e.addSuppressed(cleanup);
        }
        return new SandboxUnavailableException("could not create the database " + name + " in " + where + ": "
                + e.getMessage(), e);
    }

    /** The client for this sandbox's server. */
    final PostgresClient client() {
        return client;
    }

    /**
     * {@code pg_restore --no-owner --no-privileges --exit-on-error}, the dump streamed into its
     * standard input, wherever the client tools run; any format other than {@code pg_dump-custom}
     * is an IllegalArgumentException (a lifeboat limitation, not a bad backup).
     */
    @Override
    protected final void requireRestorable(String dumpFormat) {
        PostgresDumpFormats.requireRestorable(dumpFormat);
    }
}
