package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.privateserver.Orphans;
import io.lifeboat.drills.privateserver.PrivateServerException;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes {@code ephemeral} MariaDB sandboxes: a private, socket-only server per drill, of the
 * MariaDB installed on this machine (one version per machine, unlike PostgreSQL's side-by-side
 * majors: a backup from a newer server gets a warning). Before each server it reaps the servers
 * that crashed drills left in its parent directory and reports each in a warning.
 */
public final class EphemeralMariaDbSandboxProvider implements SandboxProvider {

    public static final String KIND = "ephemeral";
    /** The engine name backups of this engine carry. */
    public static final String ENGINE = "mariadb";

    private final Supplier<MariaDbTools> tools;
    private final Path parentDir;

    /**
     * @param tools     finds the installed programs (looked up when a sandbox is made, so that a
     *                  machine without MariaDB fails the drill, not the start of lifeboat)
     * @param parentDir where servers and their crash markers go; private to this user, and the
     *                  same directory on every run so that crashed drills' servers are found
     */
    public EphemeralMariaDbSandboxProvider(Supplier<MariaDbTools> tools, Path parentDir) {
        this.tools = Objects.requireNonNull(tools, "tools");
        this.parentDir = Objects.requireNonNull(parentDir, "parentDir");
    }

    /** The installed programs, servers under {@link PrivateMariaDbServer#defaultParentDir()}. */
    public static EphemeralMariaDbSandboxProvider onThisHost() {
        return new EphemeralMariaDbSandboxProvider(MariaDbTools::discover, PrivateMariaDbServer.defaultParentDir());
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Reaps orphans, starts a socket-only server and creates the empty database
     * {@value EphemeralMariaDbSandbox#DATABASE} in it.
     *
     * @throws SandboxUnavailableException no server programs, the backup is not MariaDB's, or the
     *                                     server did not start (with its log tail)
     */
    @Override
    public EphemeralMariaDbSandbox create(SandboxRequest request) throws SandboxUnavailableException {
        requireMariaDb(request, KIND);
        List<String> warnings = new ArrayList<>();
        PrivateMariaDbServer server;
        try {
            warnings.addAll(Orphans.describe(PrivateMariaDbServer.reapOrphans(parentDir)));
            server = PrivateMariaDbServer.start(tools.get(), parentDir);
        } catch (PrivateServerException e) {
            throw new SandboxUnavailableException("could not start a private MariaDB server: " + e.getMessage(), e);
        }
        MariaDbClient client = new MariaDbClient(server.tools(),
                MariaDbClient.Endpoint.socket(server.socket(), PrivateMariaDbServer.SUPERUSER));
        String version = createRestoreDatabase(client, request, "the ephemeral sandbox", server.toString(), warnings,
                server::close);
        return new EphemeralMariaDbSandbox(server, client, version, warnings);
    }

    /** Refuses a backup of another engine before anything is started. */
    static void requireMariaDb(SandboxRequest request, String kind) throws SandboxUnavailableException {
        if (!ENGINE.equals(request.engine())) {
            throw new SandboxUnavailableException("the " + kind + " MariaDB sandbox cannot restore a backup of engine '"
                    + request.engine() + "'");
        }
    }

    /**
     * On a server lifeboat has just started for one sandbox: asks its version (a warning when it
     * is older than the backup's) and creates the empty database {@value EphemeralMariaDbSandbox#DATABASE}
     * the backup is restored into. If that fails, {@code teardown} removes the server and the
     * failure is an ERRORED drill's reason.
     *
     * @param sandbox what the warning calls the sandbox ("the docker sandbox")
     * @param where   what the failure calls the server
     * @return the server's version
     */
    static String createRestoreDatabase(MariaDbClient client, SandboxRequest request, String sandbox, String where,
                                        List<String> warnings, Runnable teardown) throws SandboxUnavailableException {
        try {
            String version = client.serverVersion();
            MariaDbVersions.warnIfOlder(request.serverVersion(), version, sandbox, warnings);
            client.execute("", "CREATE DATABASE " + MariaDbClient.identifier(EphemeralMariaDbSandbox.DATABASE),
                    Duration.ofSeconds(60));
            return version;
        } catch (QueryFailedException | RuntimeException e) {
            try {
                teardown.run();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new SandboxUnavailableException("could not create the database " + EphemeralMariaDbSandbox.DATABASE
                    + " in " + where + ": " + e.getMessage(), e);
        }
    }
}
