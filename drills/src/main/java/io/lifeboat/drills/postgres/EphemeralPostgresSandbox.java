package io.lifeboat.drills.postgres;

import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.drills.sandbox.Sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
public final class EphemeralPostgresSandbox implements Sandbox {

    /** The database the backup is restored into. */
    public static final String DATABASE = "restored";
    /** Parallel restore workers: {@code pg_restore -j}; more rarely helps on the hosts drills run on. */
    static final int RESTORE_JOBS = 2;
    /** A restore is bounded by the drill's RTO check, not here; this only stops one that hangs forever. */
    static final Duration RESTORE_LIMIT = Duration.ofHours(24);

    private final PrivatePostgresCluster cluster;
    private final PostgresClient client;
    private final List<String> warnings;

    EphemeralPostgresSandbox(PrivatePostgresCluster cluster, List<String> warnings) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.client = new PostgresClient(cluster.installation(), new PostgresClient.Endpoint(
                cluster.socketDir().toString(), cluster.port(), PrivatePostgresCluster.SUPERUSER, "disable",
                java.util.Optional.empty()));
        this.warnings = List.copyOf(warnings);
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

    @Override
    public List<String> warnings() {
        return warnings;
    }

    /**
     * {@code pg_restore --no-owner --no-privileges --exit-on-error -j 2} into {@value #DATABASE}.
     *
     * @throws IllegalArgumentException for a dump format other than {@code pg_dump-custom} (a
     *                                  lifeboat limitation, not a bad backup)
     */
    @Override
    public void restore(Path dumpFile, String dumpFormat) throws RestoreFailedException {
        PostgresDumpFormats.requireRestorable(dumpFormat);
        client.restore(DATABASE, dumpFile, RESTORE_JOBS, RESTORE_LIMIT);
    }

    @Override
    public QueryResult query(String sql, Duration timeout) throws QueryFailedException {
        return client.query(DATABASE, sql, timeout);
    }

    @Override
    public Map<String, Long> rowCounts(Duration timeout) throws QueryFailedException {
        return client.rowCounts(DATABASE, timeout);
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

    @Override
    public String toString() {
        return describe();
    }
}
