package io.lifeboat.drills.postgres;

import io.lifeboat.drills.process.ChildProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertFalse;
import io.lifeboat.drills.sandbox.ProtectedDatabase;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxProviderContract;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.testing.ServerSandboxes;
import io.lifeboat.drills.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox contract for {@code server}: the declared sandbox server is a private TCP cluster
 * with a random password (scram-sha-256), so the passfile path is exercised for real.
 */
class ServerSandboxProviderTest extends SandboxProviderContract {

    @TempDir
    static Path secrets;
    static PrivatePostgresCluster server;
    static SandboxServer declared;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestClusters.start();
        declared = ServerSandboxes.declare(server, secrets);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected SandboxProvider provider() {
        return new ServerSandboxProvider(declared, new SandboxGuard(List.of(), List.of(declared)),
                PostgresInstallations.discover());
    }

    @Override
    protected void assertRemoved(Sandbox closed) throws SQLException {
        assertEquals(List.of(), ServerSandboxes.throwawayDatabases(server));
    }

    @Test
    void theThrowawayDatabaseIsNamedForTheDrillAndRun() throws Exception {
        try (ServerSandbox sandbox = (ServerSandbox) provider().create(
                new io.lifeboat.drills.sandbox.SandboxRequest("Shop Quarterly", "20250101T030000-3f2a9b", "postgres", "15.4"))) {
            assertEquals("lifeboat_drill_shop_quarterly_20250101t030000_3f2a9b", sandbox.database());
            assertEquals(List.of(sandbox.database()), ServerSandboxes.throwawayDatabases(server));
            assertEquals(Optional.of(sandbox.database()), sandbox.query("SELECT current_database()", Duration.ofSeconds(10)).value());
            assertTrue(!sandbox.describe().contains(ServerSandboxes.password(server)), "no password in describe()");
        }
    }

    @Test
    void theDatabaseOfADrillThatDiedIsDroppedByTheNextRunAndOthersAreLeftAlone() throws Exception {
        // not lifeboat's (no owner mark) and a live one of this JVM: both must survive the reaping
        try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE lifeboat_drill_made_by_hand");
        }
        try (Sandbox alive = provider().create(request())) {
            String orphan = crashedDrillsDatabase();
            assertTrue(ServerSandboxes.throwawayDatabases(server).contains(orphan), "left behind by the killed JVM");
            try (Sandbox next = provider().create(request())) {
                List<String> left = ServerSandboxes.throwawayDatabases(server);
                assertFalse(left.contains(orphan), left.toString());
                assertTrue(left.contains("lifeboat_drill_made_by_hand"), left.toString());
                assertTrue(left.contains(((ServerSandbox) alive).database()), left.toString());
                assertTrue(next.warnings().stream().anyMatch(w -> w.startsWith("dropped " + orphan + " on sandbox server")
                        && w.contains("left behind by a drill that died")), next.warnings().toString());
            }
        } finally {
            try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE lifeboat_drill_made_by_hand");
            }
        }
    }

    /** Runs {@link OrphanedServerSandboxMain} in a child JVM, kills it with SIGKILL, returns its database's name. */
    private static String crashedDrillsDatabase() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (ChildProcess jvm = ChildProcess.start(List.of(java, "-cp", classPath, OrphanedServerSandboxMain.class.getName(),
                Integer.toString(declared.port()), declared.user(), declared.passwordFile().orElseThrow().toString(), "died1"))) {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.stdout(), StandardCharsets.UTF_8));
            String ready = assertTimeoutPreemptively(Duration.ofSeconds(60), out::readLine);
            if (ready == null) {
                throw new AssertionError("child JVM ended early: " + jvm.waitFor(10, TimeUnit.SECONDS).describe());
            }
            ProcessHandle.of(jvm.pid()).orElseThrow().destroyForcibly();
            assertEquals(137, jvm.waitFor(10, TimeUnit.SECONDS).exitCode());
            String database = ready.substring("READY ".length());
            assertEquals("lifeboat_drill_crashing_died1", database);
            return database;
        }
    }

    @Test
    void namesAreSanitizedAndNeverLongerThan63() {
        assertEquals("lifeboat_drill_a_b_c_1", ServerSandboxProvider.throwawayDatabaseName("A-b.c", "1"));
        String a = ServerSandboxProvider.throwawayDatabaseName("x".repeat(80), "run-1");
        String b = ServerSandboxProvider.throwawayDatabaseName("x".repeat(80), "run-2");
        assertEquals(63, a.length());
        assertTrue(a.startsWith("lifeboat_drill_xxx") && a.matches("[a-z0-9_]+"), a);
        assertTrue(!a.equals(b), "long names of two runs differ");
    }

    @Test
    void anExistingDatabaseIsNeverReused() throws Exception {
        String name = ServerSandboxProvider.throwawayDatabaseName("contract", "taken");
        server.createDatabase(name);
        try {
            SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> provider().create(
                    new io.lifeboat.drills.sandbox.SandboxRequest("contract", "taken", "postgres", "15.4")));
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
            assertEquals(List.of(name), ServerSandboxes.throwawayDatabases(server), "and it is left alone");
        } finally {
            server.execute("postgres", "DROP DATABASE " + PrivatePostgresCluster.quoteIdentifier(name));
        }
    }

    @Test
    void anUnsafePasswordFileIsRefused() throws Exception {
        Path loose = Files.writeString(secrets.resolve("loose-password"), ServerSandboxes.password(server) + "\n");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        SandboxServer looseServer = new SandboxServer("loose", "127.0.0.1", server.port(), "postgres",
                Optional.of(loose), "disable");
        SandboxProvider p = new ServerSandboxProvider(looseServer, new SandboxGuard(List.of(), List.of(looseServer)),
                PostgresInstallations.discover());
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> p.create(request()));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertEquals(List.of(), ServerSandboxes.throwawayDatabases(server));
    }

    @Test
    void aWrongPasswordIsUnavailableNotAFailedBackup() throws Exception {
        Path wrong = Files.writeString(secrets.resolve("wrong-password"), "not-the-password\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        SandboxServer s = new SandboxServer("wrong", "127.0.0.1", server.port(), "postgres", Optional.of(wrong), "disable");
        SandboxProvider p = new ServerSandboxProvider(s, new SandboxGuard(List.of(new ProtectedDatabase("shop",
                "db.example", 5432, "shop")), List.of(s)), PostgresInstallations.discover());
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> p.create(request()));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    }

    /** While a query runs, its psql is inspected through /proc: the password is in neither argv nor environment. */
    @Test
    void thePasswordTravelsInATemporaryPassfileOnly() throws Exception {
        String password = ServerSandboxes.password(server);
        try (Sandbox sandbox = provider().create(request())) {
            java.util.concurrent.CompletableFuture<Void> slow = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    sandbox.query("SELECT pg_sleep(3)", Duration.ofSeconds(30));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ProcessHandle psql = null;
            for (int i = 0; i < 100 && psql == null; i++) {
                psql = ProcessHandle.allProcesses()
                        .filter(p -> p.info().command().map(c -> c.endsWith("/psql")).orElse(false))
                        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("pg_sleep(3)")).orElse(false))
                        .findFirst().orElse(null);
                Thread.sleep(50);
            }
            assertTrue(psql != null, "psql of the slow query not found");
            String argv = Files.readString(Path.of("/proc", Long.toString(psql.pid()), "cmdline")).replace('\0', ' ');
            String environ = Files.readString(Path.of("/proc", Long.toString(psql.pid()), "environ")).replace('\0', ' ');
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("passfile='([^']+)'").matcher(argv);
            assertTrue(m.find(), argv);
            Path passfile = Path.of(m.group(1));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passfile)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passfile.getParent())));
            slow.get();

            assertTrue(!argv.contains(password), "password in argv: " + argv);
            assertTrue(!environ.contains(password), "password in the environment");
            assertTrue(!environ.contains("AWS_SECRET_ACCESS_KEY"), "lifeboat's own secrets do not reach psql");
            assertTrue(!Files.exists(passfile.getParent()), "the passfile is removed when psql ends");
        }
    }
}
