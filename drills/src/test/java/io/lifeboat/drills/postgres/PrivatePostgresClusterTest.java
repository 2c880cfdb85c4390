package io.lifeboat.drills.postgres;

import io.lifeboat.drills.privateserver.ReapedCluster;
import io.lifeboat.drills.privateserver.ServerMarker;
import io.lifeboat.drills.privateserver.ServerAccount;
import io.lifeboat.drills.process.ChildProcessException;
import io.lifeboat.drills.testing.LinuxProcesses;
import io.lifeboat.drills.testing.TestClusters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Private clusters against the real PostgreSQL binaries. CI runs as root, so these cover the
 * root case: the server runs as {@code postgres}, the JVM and psql as root.
 */
class PrivatePostgresClusterTest {

    @TempDir
    Path tmp;
    Path parent;

    @BeforeEach
    void openParent() throws IOException {
        parent = TestClusters.openForServer(tmp);
    }

    @AfterEach
    void nothingLeftBehind() throws IOException {
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(List.of(), left.toList(), "every test closes its clusters, leaving an empty parent");
        }
    }

    @Test
    void socketOnlyClusterHasNoTcpListenerAndPsqlWorks() throws IOException {
        try (PrivatePostgresCluster pg = start(PrivatePostgresCluster.Options.socketOnly(parent))) {
            assertEquals("", pg.execute("postgres", "SHOW listen_addresses"));
            assertTrue(pg.tcpPort().isEmpty());
            assertThrows(IllegalStateException.class, () -> pg.jdbcUrl("postgres"));
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", pg.port()), 2_000);
                }
            }, "nothing may listen on 127.0.0.1:" + pg.port());

            Path socket = pg.socketDir().resolve(".s.PGSQL." + pg.port());
            assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), socket.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pg.socketDir())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pg.directory())));

            assertEquals("2", pg.execute("postgres", "SELECT 1 + 1"));
            assertEquals("UTF8|postgres", pg.execute("postgres",
                    "SELECT pg_encoding_to_char(encoding), current_user FROM pg_database WHERE datname = 'postgres'"));
            assertEquals("off", pg.execute("postgres", "SHOW fsync"));
        }
    }

    @Test
    void tcpClusterAcceptsJdbcWithItsPasswordOnly() throws Exception {
        try (PrivatePostgresCluster pg = start(PrivatePostgresCluster.Options.withTcp(parent))) {
            assertEquals(pg.port(), pg.tcpPort().orElseThrow());
            pg.createDatabase("drill \"db\" with spaces");
            try (Connection c = pg.connect("drill \"db\" with spaces");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_database(), current_user, inet_server_addr()::text")) {
                assertTrue(rs.next());
                assertEquals("drill \"db\" with spaces", rs.getString(1));
                assertEquals("postgres", rs.getString(2));
                assertEquals("127.0.0.1/32", rs.getString(3));
            }
            assertEquals("127.0.0.1", pg.execute("postgres", "SHOW listen_addresses"));
            SQLException noPassword = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(pg.jdbcUrl("postgres") + "?user=postgres").close());
            assertTrue(noPassword.getMessage().toLowerCase().contains("password"), noPassword.getMessage());
        }
    }

    @Test
    void serverRunsAsThePostgresUserWhenWeAreRoot() throws Exception {
        try (PrivatePostgresCluster pg = start(PrivatePostgresCluster.Options.socketOnly(parent))) {
            int expected = ServerAccount.effectiveUid() == 0 ? postgresUid() : ServerAccount.effectiveUid();
            assertEquals(expected, LinuxProcesses.effectiveUid(pg.postmasterPid()).orElseThrow());
            assertEquals(expected, (Integer) Files.getAttribute(pg.dataDir(), "unix:uid"));
            // a backend serving our psql session, forked by the postmaster, runs as the same user
            long checkpointer = Long.parseLong(pg.execute("postgres",
                    "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'"));
            assertEquals(expected, LinuxProcesses.effectiveUid(checkpointer).orElseThrow());
        }
    }

    @Test
    void closeStopsTheServerAndRemovesEverything() throws Exception {
        long t0 = System.nanoTime();
        PrivatePostgresCluster pg = start(PrivatePostgresCluster.Options.withTcp(parent));
        long started = System.nanoTime();
        long pid = pg.postmasterPid();
        assertTrue(LinuxProcesses.isRunning(pid));
        try (Connection open = pg.connect("postgres")) {
            // an open session must not block close: fast shutdown disconnects it
            long closing = System.nanoTime();
            pg.close();
            System.out.printf("private cluster: start %.2f s, stop and delete %.2f s%n",
                    (started - t0) / 1e9, (System.nanoTime() - closing) / 1e9);
            assertThrows(SQLException.class, () -> open.createStatement().execute("SELECT 1"));
        }
        assertTrue(LinuxProcesses.awaitExit(pid, Duration.ofSeconds(5)), "postmaster " + pid + " still running");
        assertFalse(Files.exists(pg.directory()));
        pg.close(); // idempotent
    }

    @Test
    void closeAfterTheServerWasKilledStillCleansUp() throws Exception {
        PrivatePostgresCluster pg = start(PrivatePostgresCluster.Options.socketOnly(parent));
        long pid = pg.postmasterPid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertTrue(LinuxProcesses.awaitExit(pid, Duration.ofSeconds(5)));
        pg.close();
        assertFalse(Files.exists(pg.directory()));
        assertTrue(ServerProcesses.find(pg.dataDir()).isEmpty(), "orphaned backends were killed too");
    }

    @Test
    void failedStartCleansUpAndReportsTheServersComplaint() {
        PrivatePostgresCluster.Options bogus = PrivatePostgresCluster.Options.socketOnly(parent)
                .withSetting("shared_buffers", "bogus");
        PostgresClusterException e = assertThrows(PostgresClusterException.class, () -> start(bogus));
        assertTrue(e.getMessage().contains("invalid value for parameter \"shared_buffers\": \"bogus\""), e.getMessage());
        assertTrue(e.getMessage().contains("did not start"), e.getMessage());
        // @AfterEach checks that neither the directory nor its marker is left
    }

    @Test
    void settingsAreQuotedNotInterpreted() {
        try (PrivatePostgresCluster pg = start(PrivatePostgresCluster.Options.socketOnly(parent)
                .withSetting("application_name", "it's a \\ test")
                .withSetting("work_mem", "8MB"))) {
            assertEquals("8MB", pg.execute("postgres", "SHOW work_mem"));
            assertEquals("it's a \\ test", pg.execute("postgres",
                    "SELECT setting FROM pg_file_settings WHERE name = 'application_name' AND applied"));
        }
    }

    @Test
    void managedSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PrivatePostgresCluster.Options.socketOnly(parent).withSetting("listen_addresses", "*"));
        assertThrows(IllegalArgumentException.class,
                () -> PrivatePostgresCluster.Options.socketOnly(parent).withSetting("Port", "5432"));
        assertThrows(IllegalArgumentException.class,
                () -> PrivatePostgresCluster.Options.socketOnly(parent).withSetting("work_mem = 1\nfsync", "on"));
    }

    @Test
    void executeReportsSqlErrors() {
        try (PrivatePostgresCluster pg = start(PrivatePostgresCluster.Options.socketOnly(parent))) {
            ChildProcessException e = assertThrows(ChildProcessException.class,
                    () -> pg.execute("postgres", "SELECT 1;\nSELECT * FROM no_such_table;\nSELECT 3;"));
            assertTrue(e.getMessage().contains("relation \"no_such_table\" does not exist"), e.getMessage());
            assertThrows(ChildProcessException.class, () -> pg.execute("no_such_db", "SELECT 1"));
            assertEquals("1\n2", pg.execute("postgres", "SELECT 1; SELECT 2;"));
            // a database name is never read as a connection string
            pg.createDatabase("x=y host=/nowhere");
            assertEquals("x=y host=/nowhere", pg.execute("x=y host=/nowhere", "SELECT current_database()"));
        }
    }

    @Test
    void twoClustersAtOnceDoNotClash() throws Exception {
        CompletableFuture<PrivatePostgresCluster> a = CompletableFuture.supplyAsync(
                () -> start(PrivatePostgresCluster.Options.withTcp(parent)));
        // both on TCP: two socket-only clusters may legitimately share a port number (their sockets
        // are in different directories), two TCP ones may not
        CompletableFuture<PrivatePostgresCluster> b = CompletableFuture.supplyAsync(
                () -> start(PrivatePostgresCluster.Options.withTcp(parent)));
        try (PrivatePostgresCluster one = a.get(); PrivatePostgresCluster two = b.get()) {
            assertNotEquals(one.port(), two.port());
            assertNotEquals(one.directory(), two.directory());
            one.execute("postgres", "CREATE TABLE only_in_one (x int)");
            assertEquals("1", one.execute("postgres", "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_one'"));
            assertEquals("0", two.execute("postgres", "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_one'"));
            try (Connection c1 = one.connect("postgres"); Connection c2 = two.connect("postgres")) {
                assertTrue(c1.isValid(2) && c2.isValid(2));
            }
        }
    }

    @Test
    void refusesAParentOthersCanWriteTo() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        PostgresClusterException e = assertThrows(PostgresClusterException.class,
                () -> start(PrivatePostgresCluster.Options.socketOnly(shared)));
        assertTrue(e.getMessage().contains("can be written by other users"), e.getMessage());
        Files.delete(shared);
    }

    @Test
    void refusesAParentTooDeepForASocketPath() {
        Path deep = tmp.resolve("d".repeat(90));
        PostgresClusterException e = assertThrows(PostgresClusterException.class,
                () -> start(PrivatePostgresCluster.Options.socketOnly(deep)));
        assertTrue(e.getMessage().contains("shorter parent directory"), e.getMessage());
        assertFalse(Files.exists(deep));
    }

    @Test
    void explainsAParentThePostgresUserCannotReach() throws IOException {
        if (ServerAccount.effectiveUid() != 0) {
            return; // only root switches users
        }
        Path closed = Files.createDirectory(tmp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path inner = closed.resolve("clusters");
        PostgresClusterException e = assertThrows(PostgresClusterException.class,
                () -> start(PrivatePostgresCluster.Options.socketOnly(inner)));
        assertTrue(e.getMessage().contains("cannot reach") && e.getMessage().contains("chmod o+x " + closed),
                e.getMessage());
        try (Stream<Path> left = Files.list(inner)) {
            assertEquals(0, left.count(), "no marker or directory was made");
        }
        Files.delete(inner);
        Files.delete(closed);
    }

    private static PrivatePostgresCluster start(PrivatePostgresCluster.Options options) {
        return PrivatePostgresCluster.start(TestClusters.installation(), options);
    }

    private static int postgresUid() throws IOException {
        return Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8).stream()
                .map(l -> l.split(":"))
                .filter(f -> f[0].equals("postgres"))
                .map(f -> Integer.parseInt(f[2]))
                .findFirst().orElseThrow();
    }
}
