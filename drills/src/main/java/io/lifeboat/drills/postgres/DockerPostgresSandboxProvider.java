package io.lifeboat.drills.postgres;

import io.lifeboat.drills.docker.SandboxContainer;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Makes {@code docker} sandboxes for PostgreSQL: a container of the official image
 * {@code postgres:<source major>}, or the drill's pinned {@code image:}, or (for test machines
 * without a registry) the image named by the system property {@value #IMAGE_PROPERTY}; started
 * with network mode {@code none}, the empty database {@value DockerPostgresSandbox#DATABASE}
 * created in it.
 *
 * <p>Before each container it removes the containers that killed drill JVMs on this host left
 * running ({@link SandboxContainer#reapOrphans}) and reports each in a warning.
 *
 * <p>The server runs with the settings of a throwaway restore target, as the ephemeral
 * sandbox's ({@link EphemeralPostgresSandboxProvider#RESTORE_SETTINGS}) plus no fsync, and
 * listens on its Unix socket only.
 */
public final class DockerPostgresSandboxProvider implements SandboxProvider {

    public static final String KIND = "docker";
    /** System property naming the image to use instead of {@code postgres:<major>} when a drill names none. */
    public static final String IMAGE_PROPERTY = "lifeboat.docker.postgresImage";

    static final String SOCKET_DIR = "/var/run/postgresql";
    static final String SUPERUSER = "postgres";
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final Duration VERSION_QUERY = Duration.ofSeconds(30);
    /**
     * Ready when the real server answers: the image's entrypoint runs a temporary server during
     * initialisation on the same socket, and PID 1 becomes {@code postgres} only when it execs the
     * real one.
     */
    private static final String READY = "[ \"$(cat /proc/1/comm)\" = postgres ] && pg_isready -q -h " + SOCKET_DIR;

    private final Optional<String> image;

    /** @param image the drill's pinned image, replacing the default for the source's version */
    public DockerPostgresSandboxProvider(Optional<String> image) {
        this.image = Objects.requireNonNull(image, "image");
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Reaps orphans, starts the container, waits for its server and creates the database.
     *
     * @throws SandboxUnavailableException no Docker engine, no image, the server did not start, or
     *                                     the backup is not PostgreSQL
     */
    @Override
    public DockerPostgresSandbox create(SandboxRequest request) throws SandboxUnavailableException {
        PostgresDatabaseSandbox.requirePostgres(request, KIND);
        DockerImageName imageName = imageFor(request.serverVersion());
        List<String> warnings = new ArrayList<>();
        SandboxContainer container = SandboxContainer.startForDrill(new SandboxContainer.Spec(imageName, request.drillName(),
                request.runId(), Map.of("POSTGRES_HOST_AUTH_METHOD", "trust"), serverCommand(), READY, STARTUP), warnings);
        try {
            PostgresClient client = new PostgresClient(container.tools(),
                    new PostgresClient.Endpoint(SOCKET_DIR, 5432, SUPERUSER, "disable", Optional.empty()));
            String version = client.query("postgres", "SHOW server_version", VERSION_QUERY).value().orElse("?");
            versionWarning(request.serverVersion(), version).ifPresent(warnings::add);
            PostgresDatabaseSandbox.createRestoreDatabase(client, DockerPostgresSandbox.DATABASE);
            return new DockerPostgresSandbox(container, client, version, warnings);
        } catch (QueryFailedException | RuntimeException e) {
            throw PostgresDatabaseSandbox.couldNotCreateDatabase(DockerPostgresSandbox.DATABASE,
                    "the container of " + imageName.asCanonicalNameString(), e, container::close);
        }
    }

    /** The drill's image, else the system property's, else {@code postgres:<major>} of the source. */
    DockerImageName imageFor(String sourceVersion) throws SandboxUnavailableException {
        Optional<DockerImageName> chosen = SandboxContainer.chosenImage(image, IMAGE_PROPERTY);
        if (chosen.isPresent()) {
            return chosen.get();
        }
        OptionalInt major = PostgresClient.majorOf(sourceVersion);
        if (major.isEmpty()) {
            throw new SandboxUnavailableException("the backup's server version '" + sourceVersion + "' names no PostgreSQL"
                    + " major version, so there is no default image: set image: on the drill (e.g. image: postgres:16)");
        }
        return DockerImageName.parse("postgres:" + major.getAsInt());
    }

    /** The server's command: socket only, and settings for a restore nobody needs to survive a crash. */
    private static List<String> serverCommand() {
        List<String> command = new ArrayList<>(List.of("postgres", "-c", "fsync=off", "-c", "listen_addresses="));
        EphemeralPostgresSandboxProvider.RESTORE_SETTINGS.forEach((k, v) -> command.addAll(List.of("-c", k + "=" + v)));
        return command;
    }

    /** A warning when the image's major differs from the source's (a pinned image, say). */
    static Optional<String> versionWarning(String sourceVersion, String sandboxVersion) {
        OptionalInt source = PostgresClient.majorOf(sourceVersion);
        OptionalInt sandbox = PostgresClient.majorOf(sandboxVersion);
        if (source.isEmpty() || sandbox.isEmpty() || source.getAsInt() == sandbox.getAsInt()) {
            return Optional.empty();
        }
        String risk = sandbox.getAsInt() < source.getAsInt()
                ? "; it is older than the source, and its pg_restore may refuse a newer archive" : "";
        return Optional.of("the backup is from PostgreSQL " + source.getAsInt() + " but the sandbox image runs PostgreSQL "
                + sandboxVersion + risk);
    }
}
