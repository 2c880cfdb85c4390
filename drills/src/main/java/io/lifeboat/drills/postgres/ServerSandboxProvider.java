package io.lifeboat.drills.postgres;

import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRefusedException;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.sandbox.ThrowawayDatabases;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.process.ProcessOwner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Makes {@code server} sandboxes: a throwaway database on one declared PostgreSQL sandbox server.
 *
 * <p>Order matters, and is the point of this class: the database name is computed, then the
 * {@link SandboxGuard} checks server and name, and only if it accepts does the provider connect
 * at all; it then creates the database ({@code CREATE DATABASE … TEMPLATE template0}; an existing
 * database of that name is an error, never reused, so that {@link ServerSandbox#close()} drops
 * only what this provider made).
 *
 * <p>Every throwaway database carries its owner in its comment ({@link ProcessOwner}); before
 * creating one, the provider drops those whose owner died on this host without tearing down.
 *
 * <p>The password, if the server needs one, is read from the server's 0600 password file and
 * handed to each client in a temporary 0600 passfile; never argv, never the environment.
 */
public final class ServerSandboxProvider implements SandboxProvider {

    public static final String KIND = "server";

    /** The database the provider connects to for CREATE and DROP DATABASE. */
    static final String MAINTENANCE_DATABASE = "postgres";

    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
    /** Starts the comment on every throwaway database: who made it, so a later run can reap it. */
    static final String OWNER_MARK = "lifeboat drill sandbox; ";
    /** A server with more leftover drill databases than this has a problem a person must look at. */
    private static final int MAX_ORPHANS_LISTED = 1000;

    /** How a provider names the throwaway database of a run. */
    @FunctionalInterface
    public interface DatabaseNaming {
        String databaseName(SandboxRequest request);
    }

    private final SandboxServer server;
    private final SandboxGuard guard;
    private final PostgresInstallations installations;
    private final DatabaseNaming naming;

    /** Databases named by {@link #throwawayDatabaseName(String, String)}. */
    public ServerSandboxProvider(SandboxServer server, SandboxGuard guard, PostgresInstallations installations) {
        this(server, guard, installations, r -> throwawayDatabaseName(r.drillName(), r.runId()));
    }

    /**
     * With another naming; whatever it returns still has to pass the guard (tests use this to
     * show that a name without the drill prefix is refused).
     */
    public ServerSandboxProvider(SandboxServer server, SandboxGuard guard, PostgresInstallations installations,
                                 DatabaseNaming naming) {
        this.server = Objects.requireNonNull(server, "server");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.installations = Objects.requireNonNull(installations, "installations");
        this.naming = Objects.requireNonNull(naming, "naming");
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** {@link ThrowawayDatabases#name}: the same names on every engine. */
    public static String throwawayDatabaseName(String drillName, String runId) {
        return ThrowawayDatabases.name(drillName, runId);
    }

    /**
     * Guards, connects, creates the throwaway database.
     *
     * @throws SandboxRefusedException     the guard refused (nothing was connected to or created)
     * @throws SandboxUnavailableException the server could not be reached, or the database not created
     */
    @Override
    public ServerSandbox create(SandboxRequest request) throws SandboxRefusedException, SandboxUnavailableException {
        String database = naming.databaseName(request);
        // first, before any connection: a refusal must leave no trace on the server
        guard.check(server.host(), server.port(), database);
        if (!"postgres".equals(request.engine())) {
            throw new SandboxUnavailableException("sandbox server " + server.name() + " runs PostgreSQL and cannot"
                    + " restore a backup of engine '" + request.engine() + "'");
        }
        PostgresClient.Endpoint endpoint = new PostgresClient.Endpoint(server.host(), server.port(), server.user(),
                server.sslmode(), server.passwordFile());
        String where = "sandbox server " + server.name() + " (" + server.endpoint() + ", user " + server.user() + ")";
        List<String> warnings = new ArrayList<>();
        int versionNum;
        String version;
        PostgresInstallation tools;
        try {
            PostgresClient probe = new PostgresClient(installations.newest(), endpoint);
            versionNum = probe.serverVersionNum(MAINTENANCE_DATABASE);
            version = probe.query(MAINTENANCE_DATABASE, "SHOW server_version", PostgresClient.CONNECT_TIMEOUT)
                    .value().orElse(Integer.toString(versionNum));
            int serverMajor = PostgresInstallations.majorOf(versionNum);
            OptionalInt sourceMajor = PostgresClient.majorOf(request.serverVersion());
            if (sourceMajor.isPresent() && sourceMajor.getAsInt() > serverMajor) {
                warnings.add("the backup is from PostgreSQL " + sourceMajor.getAsInt() + " but " + where + " runs "
                        + version + "; restoring into an older server may fail for reasons that are not the backup's");
            }
            // pg_restore must read the archive (at least the source's major) and talk to the server
            tools = installations.forServerMajor(Math.max(serverMajor, sourceMajor.orElse(serverMajor))).installation();
        } catch (QueryFailedException e) {
            throw new SandboxUnavailableException("cannot reach " + where + ": " + e.getMessage(), e);
        } catch (PostgresNotInstalledException | PrivateFiles.UnsafeFileException | IllegalArgumentException e) {
            throw new SandboxUnavailableException("cannot use " + where + ": " + e.getMessage(), e);
        }
        PostgresClient client = new PostgresClient(tools, endpoint);
        warnings.addAll(reapOrphans(client, versionNum, where));
        try {
            client.execute(MAINTENANCE_DATABASE, "CREATE DATABASE " + PrivatePostgresCluster.quoteIdentifier(database)
                    + " TEMPLATE template0", CREATE_TIMEOUT);
        } catch (QueryFailedException e) {
            throw new SandboxUnavailableException("could not create the throwaway database " + database + " on "
                    + where + ": " + e.getMessage(), e);
        }
        ServerSandbox sandbox = new ServerSandbox(server, database, versionNum, version, client, warnings);
        try {
            // the owner mark: a later run drops this database if this JVM dies before close()
            client.execute(MAINTENANCE_DATABASE, "COMMENT ON DATABASE " + PrivatePostgresCluster.quoteIdentifier(database)
                    + " IS " + ServerSandbox.literal(OWNER_MARK + ProcessOwner.current().encode()), CREATE_TIMEOUT);
        } catch (QueryFailedException e) {
            warnings.add("could not mark " + database + " with its owner (" + e.getMessage() + "); if this drill dies before"
                    + " its teardown, the database must be dropped by hand");
        }
        return sandbox;
    }

    /**
     * Drops the throwaway databases of drills that died on this host without their teardown
     * (SIGKILL, a power cut): those whose owner mark names a process that is certainly gone.
     * A database without the mark, or marked by another host, is never touched; each one
     * dropped passes the guard first, like a database this provider creates.
     *
     * @return a warning per database dropped or that could not be dropped
     */
    private List<String> reapOrphans(PostgresClient client, int versionNum, String where) {
        List<String> warnings = new ArrayList<>();
        List<List<Optional<String>>> rows;
        try {
            rows = client.rows(MAINTENANCE_DATABASE, "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
                    + " WHERE datname LIKE " + ServerSandbox.literal(SandboxGuard.DATABASE_PREFIX.replace("_", "\\_") + "%")
                    + " ORDER BY datname", MAX_ORPHANS_LISTED, CREATE_TIMEOUT);
        } catch (QueryFailedException e) {
            return List.of("could not look for throwaway databases of crashed drills on " + where + ": " + e.getMessage());
        }
        for (List<Optional<String>> row : rows) {
            if (row.size() != 2 || row.get(0).isEmpty()) {
                continue;
            }
            String name = row.get(0).get();
            Optional<ProcessOwner> owner = ProcessOwner.parse(row.get(1).orElse(null), OWNER_MARK);
            if (owner.isEmpty() || !owner.get().isCertainlyDead()) {
                continue;
            }
            try {
                guard.check(server.host(), server.port(), name);
                new ServerSandbox(server, name, versionNum, "", client, List.of()).close();
                warnings.add("dropped " + name + " on " + where + ", left behind by a drill that died (pid "
                        + owner.get().pid() + ")");
            } catch (SandboxRefusedException | RuntimeException e) {
                warnings.add("could not drop " + name + " on " + where + ", left behind by a drill that died (pid "
                        + owner.get().pid() + "): " + e.getMessage());
            }
        }
        return warnings;
    }
}
