package io.lifeboat.drills.testing;

import io.lifeboat.drills.postgres.PostgresInstallation;
import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.postgres.PrivatePostgresCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Private PostgreSQL servers for tests, in any module: the real binaries, started in a few
 * hundred milliseconds, gone after {@code close()}.
 *
 * <pre>{@code
 * try (PrivatePostgresCluster pg = TestClusters.start()) {
 *     pg.createDatabase("shop");
 *     try (Connection c = pg.connect("shop")) { ... }
 *     pg.execute("shop", "select count(*) from orders");   // psql over the socket
 * }
 * }</pre>
 *
 * Clusters go into one parent directory per test JVM under {@code java.io.tmpdir}, which is
 * removed (with any cluster a test forgot to close) when the JVM exits, so a test run leaves
 * nothing in /tmp. Works as root (CI): the server then runs as the {@code postgres} user.
 */
public final class TestClusters {

    private static Path parentDir;
    private static PostgresInstallation installation;
    private static final List<PrivatePostgresCluster> STARTED = new ArrayList<>();

    private TestClusters() {
    }

    /** A cluster listening on 127.0.0.1 as well as its socket, with JDBC ({@link PrivatePostgresCluster#connect}). */
    public static PrivatePostgresCluster start() {
        return start(new PrivatePostgresCluster.Options(parentDir(), true, Map.of()));
    }

    /** A TCP cluster with extra server settings. */
    public static PrivatePostgresCluster start(Map<String, String> settings) {
        return start(new PrivatePostgresCluster.Options(parentDir(), true, settings));
    }

    /** A socket-only cluster, as a drill sandbox has. */
    public static PrivatePostgresCluster startSocketOnly() {
        return start(PrivatePostgresCluster.Options.socketOnly(parentDir()));
    }

    /** A cluster with these options, closed at JVM exit if the test does not close it. */
    public static PrivatePostgresCluster start(PrivatePostgresCluster.Options options) {
        PrivatePostgresCluster cluster = PrivatePostgresCluster.start(installation(), options);
        synchronized (STARTED) {
            STARTED.add(cluster);
        }
        return cluster;
    }

    /** The newest installed PostgreSQL that has server binaries. */
    public static synchronized PostgresInstallation installation() {
        if (installation == null) {
            installation = PostgresInstallations.discover().newestServer();
        }
        return installation;
    }

    /** This JVM's parent directory for test clusters (0711, so the postgres user can pass through). */
    public static synchronized Path parentDir() {
        if (parentDir == null) {
            try {
                Path dir = Files.createTempDirectory("lifeboat-test-clusters-");
                openForServer(dir);
                parentDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestClusters::cleanUp, "test-clusters-cleanup"));
        }
        return parentDir;
    }

    /**
     * Makes a test's own temp directory (e.g. a JUnit {@code @TempDir}, which is 0700) usable as
     * a cluster parent when tests run as root: 0711 lets the postgres user pass through.
     */
    public static Path openForServer(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        return dir;
    }

    private static void cleanUp() {
        List<PrivatePostgresCluster> open;
        synchronized (STARTED) {
            open = new ArrayList<>(STARTED);
        }
        for (PrivatePostgresCluster c : open) {
            try {
                c.close();
            } catch (RuntimeException e) {
                System.err.println("TestClusters: " + e.getMessage());
            }
        }
        try {
            Files.walkFileTree(parentDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("TestClusters: could not remove " + parentDir + ": " + e);
        }
    }
}
