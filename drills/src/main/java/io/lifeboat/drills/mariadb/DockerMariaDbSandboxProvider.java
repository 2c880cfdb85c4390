package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.docker.SandboxContainer;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes {@code docker} sandboxes for MariaDB: a container of the official image
 * {@code mariadb:<source major.minor>}, or the drill's pinned {@code image:}, or (for test
 * machines without a registry) the image named by the system property {@value #IMAGE_PROPERTY};
 * started with network mode {@code none}, the empty database
 * {@value DockerMariaDbSandbox#DATABASE} created in it.
 *
 * <p>Before each container it removes the containers that killed drill JVMs on this host left
 * running ({@link SandboxContainer#reapOrphans}) and reports each in a warning.
 *
 * <p>The server runs with the settings of the ephemeral sandbox's private server
 * ({@link PrivateMariaDbServer#SERVER_OPTIONS}: no TCP, no binary log, no durability, utf8mb4),
 * given to the image's entrypoint as options (it then runs the server with them, as the official
 * image documents), and the image initialises {@code root} without a password
 * ({@code MARIADB_ALLOW_EMPTY_ROOT_PASSWORD}): with no network and no TCP listener, only a
 * process inside the container can reach the socket, and no password has to travel anywhere.
 */
public final class DockerMariaDbSandboxProvider implements SandboxProvider {

    public static final String KIND = "docker";
    /** System property naming the image to use instead of {@code mariadb:<major.minor>} when a drill names none. */
    public static final String IMAGE_PROPERTY = "lifeboat.docker.mariadbImage";

    /** Where the official image (and lifeboat's stand-in) puts the server's socket. */
    static final Path SOCKET = Path.of("/run/mysqld/mysqld.sock");
    static final String SUPERUSER = "root";
    private static final Duration STARTUP = Duration.ofMinutes(3);
    /**
     * Ready when the real server answers a query on its socket: the image's entrypoint runs a
     * temporary server during initialisation (the official image's on the same socket), and PID 1
     * becomes the server only when the entrypoint execs the real one ({@code mysqld} in images
     * before 10.5). The client reads no option file and logs in as password-less root.
     */
    private static final String READY = "case \"$(cat /proc/1/comm)\" in mariadbd|mysqld) ;; *) exit 1 ;; esac"
            + " && " + MariaDbClient.CLIENT + " --no-defaults --protocol=SOCKET --socket=" + SOCKET + " --user=" + SUPERUSER
            + " --batch --skip-column-names -e 'SELECT 1' >/dev/null";

    private final Optional<String> image;

    /** @param image the drill's pinned image, replacing the default for the source's version */
    public DockerMariaDbSandboxProvider(Optional<String> image) {
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
     *                                     the backup is not MariaDB's
     */
    @Override
    public DockerMariaDbSandbox create(SandboxRequest request) throws SandboxUnavailableException {
        EphemeralMariaDbSandboxProvider.requireMariaDb(request, KIND);
        DockerImageName imageName = imageFor(request.serverVersion());
        List<String> warnings = new ArrayList<>();
        SandboxContainer container = SandboxContainer.startForDrill(new SandboxContainer.Spec(imageName, request.drillName(),
                request.runId(), Map.of("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1"), serverCommand(), READY, STARTUP), warnings);
        MariaDbClient client = MariaDbClient.inContainer(container.tools(),
                MariaDbClient.Endpoint.socket(SOCKET, SUPERUSER));
        String version = EphemeralMariaDbSandboxProvider.createRestoreDatabase(client, request, "the docker sandbox",
                "the container of " + imageName.asCanonicalNameString(), warnings, container::close);
        return new DockerMariaDbSandbox(container, client, version, warnings);
    }

    /** The drill's image, else the system property's, else {@code mariadb:<major.minor>} of the source. */
    DockerImageName imageFor(String sourceVersion) throws SandboxUnavailableException {
        Optional<DockerImageName> chosen = SandboxContainer.chosenImage(image, IMAGE_PROPERTY);
        if (chosen.isPresent()) {
            return chosen.get();
        }
        Optional<int[]> version = MariaDbVersions.parse(sourceVersion);
        // MySQL reports a bare "8.0.36": there is no mariadb:8.0, and a MariaDB server is not MySQL
        boolean mariaDb = sourceVersion != null && sourceVersion.toLowerCase(Locale.ROOT).contains("mariadb");
        if (version.isEmpty() || !(mariaDb || version.get()[0] >= 10)) {
            throw new SandboxUnavailableException("the backup's server version '" + sourceVersion + "' names no MariaDB"
                    + " version, so there is no default image: set image: on the drill (e.g. image: mariadb:10.11)");
        }
        return DockerImageName.parse("mariadb:" + version.get()[0] + "." + version.get()[1]);
    }

    /**
     * Options only: the image's entrypoint (official and stand-in alike) runs the server with
     * them, after initialising the data directory with the same options.
     */
    private static List<String> serverCommand() {
        List<String> command = new ArrayList<>(PrivateMariaDbServer.SERVER_OPTIONS);
        command.add("--socket=" + SOCKET);
        return command;
    }
}
