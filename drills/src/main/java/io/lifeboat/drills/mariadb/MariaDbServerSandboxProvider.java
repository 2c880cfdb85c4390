package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.privateserver.PrivateServerException;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRefusedException;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.sandbox.ThrowawayDatabases;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes {@code server} sandboxes on one declared MariaDB sandbox server. As for PostgreSQL, the
 * order is the point: name the database, let the {@link SandboxGuard} check server and name, and
 * only then connect; {@code CREATE DATABASE} fails for an existing name (never reused), so
 * {@link MariaDbServerSandbox#close()} drops only what this provider made. The password, if any,
 * reaches each client in a temporary 0600 option file.
 */
public final class MariaDbServerSandboxProvider implements SandboxProvider {

    public static final String KIND = "server";

    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);

    private final SandboxServer server;
    private final SandboxGuard guard;
    private final Supplier<MariaDbTools> tools;
    private final ThrowawayDatabases.Naming naming;

    public MariaDbServerSandboxProvider(SandboxServer server, SandboxGuard guard, Supplier<MariaDbTools> tools) {
        this(server, guard, tools, ThrowawayDatabases.STANDARD);
    }

    /** With another naming; whatever it returns still has to pass the guard. */
    public MariaDbServerSandboxProvider(SandboxServer server, SandboxGuard guard, Supplier<MariaDbTools> tools,
                                        ThrowawayDatabases.Naming naming) {
        this.server = Objects.requireNonNull(server, "server");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.tools = Objects.requireNonNull(tools, "tools");
        this.naming = Objects.requireNonNull(naming, "naming");
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Guards, connects, creates the throwaway database.
     *
     * @throws SandboxRefusedException     the guard refused (nothing was connected to or created)
     * @throws SandboxUnavailableException the server could not be reached, or the database not created
     */
    @Override
    public MariaDbServerSandbox create(SandboxRequest request) throws SandboxRefusedException, SandboxUnavailableException {
        String database = naming.databaseName(request);
        // first, before any connection: a refusal must leave no trace on the server
        guard.check(server.host(), server.port(), database);
        if (!EphemeralMariaDbSandboxProvider.ENGINE.equals(request.engine())) {
            throw new SandboxUnavailableException("sandbox server " + server.name() + " runs MariaDB and cannot"
                    + " restore a backup of engine '" + request.engine() + "'");
        }
        String where = "sandbox server " + server.name() + " (" + server.endpoint() + ", user " + server.user() + ")";
        List<String> warnings = new ArrayList<>();
        MariaDbClient client;
        String version;
        try {
            client = new MariaDbClient(tools.get(), new MariaDbClient.Endpoint(Optional.empty(), server.host(),
                    server.port(), server.user(), server.passwordFile(), server.sslmode()));
            version = client.serverVersion();
        } catch (QueryFailedException e) {
            throw new SandboxUnavailableException("cannot reach " + where + ": " + e.getMessage(), e);
        } catch (PrivateServerException | PrivateFiles.UnsafeFileException | IllegalArgumentException e) {
            throw new SandboxUnavailableException("cannot use " + where + ": " + e.getMessage(), e);
        }
        MariaDbVersions.warnIfOlder(request.serverVersion(), version, where, warnings);
        try {
            client.execute("", "CREATE DATABASE " + MariaDbClient.identifier(database)
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", CREATE_TIMEOUT);
        } catch (QueryFailedException e) {
            throw new SandboxUnavailableException("could not create the throwaway database " + database + " on "
                    + where + ": " + e.getMessage(), e);
        }
        return new MariaDbServerSandbox(server, database, version, client, warnings);
    }
}
