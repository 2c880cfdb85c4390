package io.lifeboat.drills.postgres;

import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRefusedException;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.process.PrivateFiles;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
 * <p>The password, if the server needs one, is read from the server's 0600 password file and
 * handed to each client in a temporary 0600 passfile; never argv, never the environment.
 */
public final class ServerSandboxProvider implements SandboxProvider {

    public static final String KIND = "server";

    /** The database the provider connects to for CREATE and DROP DATABASE. */
    static final String MAINTENANCE_DATABASE = "postgres";

    /** PostgreSQL truncates identifiers to 63 bytes; a truncated name could collide, so lifeboat never relies on it. */
    static final int MAX_NAME = 63;

    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);

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

    /**
     * {@code lifeboat_drill_<drill>_<runId>}, lower-cased, every character other than
     * {@code [a-z0-9_]} replaced by {@code _}, at most 63 characters: a longer name keeps its
     * first 54 characters and gets {@code _} and 8 hex digits of the full name's SHA-256, so
     * that two runs never share a name even when the drill's name is long.
     */
    public static String throwawayDatabaseName(String drillName, String runId) {
        String full = SandboxGuard.DATABASE_PREFIX + sanitize(drillName) + "_" + sanitize(runId);
        if (full.length() <= MAX_NAME) {
            return full;
        }
        return full.substring(0, MAX_NAME - 9) + "_" + sha256Hex(drillName + "\0" + runId).substring(0, 8);
    }

    private static String sanitize(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
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
        try {
            client.execute(MAINTENANCE_DATABASE, "CREATE DATABASE " + PrivatePostgresCluster.quoteIdentifier(database)
                    + " TEMPLATE template0", CREATE_TIMEOUT);
        } catch (QueryFailedException e) {
            throw new SandboxUnavailableException("could not create the throwaway database " + database + " on "
                    + where + ": " + e.getMessage(), e);
        }
        return new ServerSandbox(server, database, versionNum, version, client, warnings);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
