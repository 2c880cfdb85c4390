package io.lifeboat.drills.postgres;


import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code ephemeral} sandbox: a {@link PrivatePostgresCluster} of its own, socket-only (no TCP
 * port at all), holding one database {@value #DATABASE} that the backup is restored into.
 * Client programs run as this JVM's user and reach the server through the socket in the
 * cluster's 0700 directory as its superuser; nobody else can.
 *
 * <p>It needs no {@link io.lifeboat.drills.sandbox.SandboxGuard}: it is a server lifeboat has just
 * made in a fresh directory, so it cannot be production by construction.
 *
 * <p>Made by {@link EphemeralPostgresSandboxProvider}; {@link #close()} stops the server and
 * deletes its directory; a JVM killed meanwhile leaves a crash marker that the provider's next
 * {@code create} reaps.
 */
public final class EphemeralPostgresSandbox extends PostgresDatabaseSandbox {

    /** The database the backup is restored into. */
    public static final String DATABASE = "restored";
    private final PrivatePostgresCluster cluster;

    EphemeralPostgresSandbox(PrivatePostgresCluster cluster, List<String> warnings) {
        super(new PostgresClient(cluster.installation(), new PostgresClient.Endpoint(
                cluster.socketDir().toString(), cluster.port(), PrivatePostgresCluster.SUPERUSER, "disable",
                java.util.Optional.empty())), DATABASE, warnings);
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    /** The private cluster's directory; gone after {@link #close()}. */
    public Path directory() {
        return cluster.directory();
    }

    /** The PostgreSQL binaries the sandbox server runs. */
    public PostgresInstallation installation() {
        return cluster.installation();
    }

    @Override
    public String describe() {
        return "ephemeral PostgreSQL " + cluster.installation().version() + ", socket-only private cluster in "
                + cluster.directory() + ", database " + DATABASE;
    }

    /**
     * Stops the server and deletes the cluster directory and its crash marker. Idempotent.
     *
     * @throws PostgresClusterException when something stays behind (named in the message; the
     *                                  marker stays too, so a later provider run reaps it)
     */
    @Override
    public void close() {
        cluster.close();
    }

}
