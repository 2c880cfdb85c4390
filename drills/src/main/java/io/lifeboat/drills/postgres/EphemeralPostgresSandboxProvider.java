package io.lifeboat.drills.postgres;

import io.lifeboat.drills.privateserver.Orphans;
import io.lifeboat.drills.privateserver.ReapedCluster;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Makes {@code ephemeral} sandboxes: a private, socket-only PostgreSQL cluster per drill, of the
 * backup's server major version when its server binaries are installed, otherwise the newest
 * installed server (with a warning in the sandbox's {@link Sandbox#warnings()}).
 *
 * <p>Before each cluster it reaps the clusters that crashed drills left in its parent directory
 * ({@link PrivatePostgresCluster#reapOrphans}) and reports each in a warning, so a killed drill
 * costs disk space only until the next one runs.
 *
 * <p>The server runs with settings for a throwaway restore target: no fsync (from
 * {@link PrivatePostgresCluster#DEFAULT_SETTINGS}), a large {@code max_wal_size} and
 * {@code maintenance_work_mem} so that loading and index builds do not checkpoint or spill
 * needlessly, and no autovacuum competing with the restore and the checks for the CPU.
 */
public final class EphemeralPostgresSandboxProvider implements SandboxProvider {

    public static final String KIND = "ephemeral";

    static final Map<String, String> RESTORE_SETTINGS = Map.of(
            "max_wal_size", "4GB",
            "maintenance_work_mem", "256MB",
            "autovacuum", "off");

    private final PostgresInstallations installations;
    private final Path parentDir;

    /**
     * @param installations where to find server binaries
     * @param parentDir     where clusters and their crash markers go; private to this user (see
     *                      {@link PrivatePostgresCluster.Options#parentDir()}), and the same
     *                      directory on every run so that crashed drills' clusters are found
     */
    public EphemeralPostgresSandboxProvider(PostgresInstallations installations, Path parentDir) {
        this.installations = Objects.requireNonNull(installations, "installations");
        this.parentDir = Objects.requireNonNull(parentDir, "parentDir");
    }

    /** The installed binaries, clusters under {@link PrivatePostgresCluster#defaultParentDir()}. */
    public static EphemeralPostgresSandboxProvider onThisHost() {
        return new EphemeralPostgresSandboxProvider(PostgresInstallations.discover(), PrivatePostgresCluster.defaultParentDir());
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Reaps orphans, starts a socket-only cluster and creates the empty database
     * {@value EphemeralPostgresSandbox#DATABASE} in it.
     *
     * @throws SandboxUnavailableException no server binaries, the backup is not PostgreSQL, or
     *                                     the cluster did not start (with the server's log tail)
     */
    @Override
    public EphemeralPostgresSandbox create(SandboxRequest request) throws SandboxUnavailableException {
        PostgresDatabaseSandbox.requirePostgres(request, KIND);
        List<String> warnings = new ArrayList<>(reapOrphans());
        PostgresInstallation installation = choose(request.serverVersion(), warnings);
        PrivatePostgresCluster cluster;
        try {
            cluster = PrivatePostgresCluster.start(installation,
                    new PrivatePostgresCluster.Options(parentDir, false, RESTORE_SETTINGS));
        } catch (PostgresClusterException | PostgresNotInstalledException e) {
            throw new SandboxUnavailableException("could not start a private PostgreSQL " + installation.version()
                    + ": " + e.getMessage(), e);
        }
        EphemeralPostgresSandbox sandbox = new EphemeralPostgresSandbox(cluster, warnings);
        try {
            PostgresDatabaseSandbox.createRestoreDatabase(sandbox.client(), EphemeralPostgresSandbox.DATABASE);
            return sandbox;
        } catch (QueryFailedException | RuntimeException e) {
            throw PostgresDatabaseSandbox.couldNotCreateDatabase(EphemeralPostgresSandbox.DATABASE, cluster.toString(), e,
                    sandbox::close);
        }
    }

    private List<String> reapOrphans() throws SandboxUnavailableException {
        List<ReapedCluster> reaped;
        try {
            reaped = PrivatePostgresCluster.reapOrphans(parentDir);
        } catch (PostgresClusterException e) {
            throw new SandboxUnavailableException(e.getMessage(), e);
        }
        return Orphans.describe(reaped);
    }

    /** The source's major if installed with its server, else the newest server, with a warning saying so. */
    private PostgresInstallation choose(String sourceVersion, List<String> warnings) throws SandboxUnavailableException {
        List<PostgresInstallation> servers = installations.all().stream().filter(PostgresInstallation::hasServer).toList();
        if (servers.isEmpty()) {
            try {
                installations.newestServer();
            } catch (PostgresNotInstalledException e) {
                throw new SandboxUnavailableException(e.getMessage(), e);
            }
        }
        PostgresInstallation newest = servers.stream().max(Comparator.naturalOrder()).orElseThrow();
        OptionalInt major = PostgresClient.majorOf(sourceVersion);
        if (major.isEmpty()) {
            warnings.add("the backup's server version '" + sourceVersion + "' names no PostgreSQL major version;"
                    + " restored into the newest installed, PostgreSQL " + newest.version());
            return newest;
        }
        Optional<PostgresInstallation> exact = servers.stream().filter(i -> i.major() == major.getAsInt())
                .max(Comparator.naturalOrder());
        if (exact.isPresent()) {
            return exact.get();
        }
        String risk = newest.major() < major.getAsInt()
                ? "; it is older than the source, and its pg_restore may refuse a newer archive" : "";
        warnings.add("the backup is from PostgreSQL " + major.getAsInt() + " but no PostgreSQL " + major.getAsInt()
                + " server is installed; restored into PostgreSQL " + newest.version() + " instead" + risk
                + " (install postgresql-" + major.getAsInt() + " for an exact match)");
        return newest;
    }
}
