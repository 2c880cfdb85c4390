package io.lifeboat.drills.testing;

import org.testcontainers.utility.DockerImageName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Docker engine that tests of the {@code docker} sandbox run on, and the images they use.
 *
 * <pre>{@code
 * @BeforeEach
 * void docker() {
 *     DockerEngine.require();   // fails (CI) or skips (-Dlifeboat.requireAll=false) without an engine
 * }
 *
 * try (GenericContainer<?> db = new GenericContainer<>(DockerEngine.postgresImage())
 *         .withNetworkMode("none") ...) { ... }
 * }</pre>
 *
 * <p>The engine is lifeboat's own ({@code tools/docker-engine.sh start}, run by
 * {@code tools/prepare-test-machine.sh}): no container registry is reachable, so the images are
 * built locally ({@code tools/docker-images.sh}) as compatible substitutes for the official
 * {@code postgres} and {@code mariadb} images.
 *
 * <p>Where the engine is: {@code DOCKER_HOST} in the environment, else the system property
 * {@value #HOST_PROPERTY}, which {@link DockerHostPropertyStrategy} hands to Testcontainers (it
 * reads {@code DOCKER_HOST} from the environment only). The environment wins because
 * Testcontainers always tries it first.
 */
public final class DockerEngine {

    /** System property naming the engine, e.g. {@code unix:///var/lib/lifeboat-test/docker/x/docker.sock}. */
    public static final String HOST_PROPERTY = "lifeboat.docker.host";

    /** System property overriding the PostgreSQL image (e.g. {@code postgres:15} where a registry is reachable). */
    public static final String POSTGRES_IMAGE_PROPERTY = "lifeboat.docker.postgresImage";

    /** System property overriding the MariaDB image (e.g. {@code mariadb:10.11}). */
    public static final String MARIADB_IMAGE_PROPERTY = "lifeboat.docker.mariadbImage";

    /** Images built by {@code tools/docker-images.sh}. */
    public static final String DEFAULT_POSTGRES_IMAGE = "local/postgres:15";
    public static final String DEFAULT_MARIADB_IMAGE = "local/mariadb:10.11";

    /** {@code false} turns "Docker is missing" from a test failure into a skipped test. */
    static final String REQUIRE_ALL_PROPERTY = RequiredPart.REQUIRE_ALL_PROPERTY;

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    private static String answeringHost;

    private DockerEngine() {
    }

    /**
     * The engine's address, once it has answered a ping. Without an answering engine the calling
     * test fails, naming {@code tools/docker-engine.sh start}; with
     * {@code -Dlifeboat.requireAll=false} it is aborted (skipped) instead, so that CI, where the
     * property keeps its default {@code true}, can never turn a missing engine into a green run.
     *
     * @return the Docker host URI, e.g. {@code unix:///var/lib/lifeboat-test/docker/x/docker.sock}
     */
    public static synchronized String require() {
        if (answeringHost == null) {
            answeringHost = require(configuredHost(),
                    RequiredPart.requireAll());
        }
        return answeringHost;
    }

    /**
     * {@link #require()} for a given host ({@code null}: none configured) and setting of
     * {@value #REQUIRE_ALL_PROPERTY}, without caching.
     */
    static String require(String host, boolean requireAll) {
        String problem = host == null
                ? "no Docker engine configured: DOCKER_HOST is not set (nor -D" + HOST_PROPERTY + ")"
                : ping(host);
        if (problem == null) {
            return host;
        }
        return RequiredPart.missing(problem, "Start lifeboat's test engine with `tools/docker-engine.sh start` "
                + "(and `tools/docker-images.sh` for its images) and export the DOCKER_HOST it prints; "
                + "tools/prepare-test-machine.sh does all of it.", "Docker tests", requireAll);
    }

    /** The PostgreSQL 15 image, accepted by Testcontainers' PostgreSQL module as {@code postgres}. */
    public static DockerImageName postgresImage() {
        return DockerImageName.parse(System.getProperty(POSTGRES_IMAGE_PROPERTY, DEFAULT_POSTGRES_IMAGE))
                .asCompatibleSubstituteFor("postgres");
    }

    /** The MariaDB 10.11 image, accepted by Testcontainers' MariaDB module as {@code mariadb}. */
    public static DockerImageName mariadbImage() {
        return DockerImageName.parse(System.getProperty(MARIADB_IMAGE_PROPERTY, DEFAULT_MARIADB_IMAGE))
                .asCompatibleSubstituteFor("mariadb");
    }

    /** {@code DOCKER_HOST} from the environment, else {@value #HOST_PROPERTY}, else {@code null}. */
    static String configuredHost() {
        String env = System.getenv("DOCKER_HOST");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        String property = System.getProperty(HOST_PROPERTY);
        return property == null || property.isBlank() ? null : property.trim();
    }

    /**
     * Sends {@code GET /_ping} to the engine, on its own rather than through Testcontainers: a
     * failed Testcontainers look-up is cached for the rest of the JVM and would not say what to do.
     *
     * @return {@code null} if the engine answered {@code OK}, else what went wrong
     */
    static String ping(String host) {
        URI uri;
        try {
            uri = URI.create(host);
        } catch (IllegalArgumentException e) {
            return "DOCKER_HOST " + host + " is not a URI";
        }
        CompletableFuture<String> exchange;
        Closer closer = new Closer();
        if ("unix".equals(uri.getScheme())) {
            exchange = CompletableFuture.supplyAsync(() -> pingUnix(uri.getPath(), closer));
        } else if ("tcp".equals(uri.getScheme())) {
            exchange = CompletableFuture.supplyAsync(() -> pingTcp(uri, closer));
        } else {
            return "DOCKER_HOST " + host + ": only unix:// and tcp:// engines are supported";
        }
        try {
            String answer = exchange.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return answer == null ? null : "Docker engine at " + host + " " + answer;
        } catch (TimeoutException e) {
            closer.close();
            return "Docker engine at " + host + " did not answer a ping within " + PING_TIMEOUT.toSeconds() + " s";
        } catch (ExecutionException e) {
            return "Docker engine at " + host + " did not answer: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while pinging " + host;
        }
    }

    private static String pingUnix(String path, Closer closer) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            closer.set(channel);
            channel.connect(UnixDomainSocketAddress.of(path));
            return exchangePing(Channels.newInputStream(channel), Channels.newOutputStream(channel));
        } catch (IOException e) {
            return "is unreachable (" + e.getMessage() + ")";
        }
    }

    private static String pingTcp(URI uri, Closer closer) {
        try (Socket socket = new Socket()) {
            closer.set(socket);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) PING_TIMEOUT.toMillis());
            socket.setSoTimeout((int) PING_TIMEOUT.toMillis());
            return exchangePing(socket.getInputStream(), socket.getOutputStream());
        } catch (IOException e) {
            return "is unreachable (" + e.getMessage() + ")";
        }
    }

    /** HTTP/1.0, so the engine closes the connection after its answer and readAllBytes ends. */
    private static String exchangePing(InputStream in, OutputStream out) throws IOException {
        out.write("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        in.transferTo(answer);
        String response = answer.toString(StandardCharsets.US_ASCII);
        if (response.startsWith("HTTP/1.") && response.contains(" 200 ") && response.endsWith("OK")) {
            return null;
        }
        String firstLine = response.lines().findFirst().orElse("(nothing)");
        return "answered the ping with " + firstLine;
    }

    /** Closes a ping's connection from another thread when the ping times out. */
    private static final class Closer {
        private AutoCloseable resource;

        synchronized void set(AutoCloseable resource) {
            this.resource = resource;
        }

        synchronized void close() {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception ignored) {
                    // The ping has already failed; nothing more to report.
                }
            }
        }
    }
}
