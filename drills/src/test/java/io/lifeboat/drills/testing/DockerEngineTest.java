package io.lifeboat.drills.testing;

import io.lifeboat.drills.docker.ContainerExec;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves what the docker sandbox is built on, with lifeboat's own engine and images: a database
 * container with network mode {@code none} starts, answers through exec, takes a SQL script of a
 * few MB on its standard input through exec, has no network but its own loopback, and is gone
 * afterwards.
 */
class DockerEngineTest {

    /** About 4.5 MB of SQL: far more than a pipe buffer, so the stream really is streamed. */
    private static final int ROWS = 40_000;
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration RESTORE = Duration.ofMinutes(3);

    /** Per test, not per class: a skip then counts each test as skipped, not as none run. */
    @BeforeEach
    void engine() {
        DockerEngine.require();
    }

    @Test
    void postgresWithoutNetworkTakesAScriptThroughExec() throws Exception {
        String containerId;
        long t0 = System.nanoTime();
        try (GenericContainer<?> pg = new GenericContainer<>(DockerEngine.postgresImage())
                .withNetworkMode("none")
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withCommand("postgres", "-c", "fsync=off")
                // No mapped port to wait on: ask the server itself, through exec, on its socket.
                .waitingFor(Wait.forSuccessfulCommand("pg_isready -q").withStartupTimeout(STARTUP))) {
            pg.start();
            containerId = pg.getContainerId();
            long started = System.nanoTime();

            ExecResult one = pg.execInContainer("psql", "-X", "-U", "postgres", "-tAc", "select 1");
            assertEquals(0, one.getExitCode(), one.getStderr());
            assertEquals("1", one.getStdout().strip());

            SqlScript script = SqlScript.generate(ROWS);
            ContainerExec.Outcome restore = ContainerExec.run(pg, new ByteArrayInputStream(script.bytes()), RESTORE,
                    "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "postgres");
            long streamed = System.nanoTime();
            assertEquals(0, restore.exitCode(), restore.stderr());
            assertEquals(script.bytes().length, restore.stdinBytes(), "bytes sent: " + restore);
            assertNull(restore.stdinError(), restore::toString);

            ExecResult rows = pg.execInContainer("psql", "-X", "-U", "postgres", "-tAc",
                    "select count(*) || ' ' || md5(string_agg(payload, '' order by id)) from drill_rows");
            assertEquals(0, rows.getExitCode(), rows.getStderr());
            assertEquals(ROWS + " " + script.payloadMd5(), rows.getStdout().strip());

            // The exit code of a failing command comes back through the exec API as well.
            ContainerExec.Outcome broken = ContainerExec.run(pg, stdin("select * from no_such_table;\n"), RESTORE,
                    "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "postgres");
            assertEquals(3, broken.exitCode(), "psql's exit code for a script that failed: " + broken);
            assertTrue(broken.stderr().contains("no_such_table"), broken.stderr());

            assertDockerJavaNeverEndsStdin(pg);
            assertNoNetwork(pg);
            report("postgres", t0, started, streamed, script);
        }
        assertRemoved(containerId);
    }

    @Test
    void mariadbWithoutNetworkTakesAScriptThroughExec() throws Exception {
        String containerId;
        long t0 = System.nanoTime();
        try (GenericContainer<?> db = new GenericContainer<>(DockerEngine.mariadbImage())
                .withNetworkMode("none")
                .withEnv("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1")
                .withEnv("MARIADB_DATABASE", "drill")
                .waitingFor(Wait.forSuccessfulCommand("mariadb-admin ping --silent").withStartupTimeout(STARTUP))) {
            db.start();
            containerId = db.getContainerId();
            long started = System.nanoTime();

            ExecResult one = db.execInContainer("mariadb", "-uroot", "-N", "-B", "-e", "select 1");
            assertEquals(0, one.getExitCode(), one.getStderr());
            assertEquals("1", one.getStdout().strip());

            SqlScript script = SqlScript.generate(ROWS);
            ContainerExec.Outcome restore = ContainerExec.run(db, new ByteArrayInputStream(script.bytes()), RESTORE,
                    "mariadb", "-uroot", "drill");
            long streamed = System.nanoTime();
            assertEquals(0, restore.exitCode(), restore.stderr());
            assertEquals(script.bytes().length, restore.stdinBytes(), "bytes sent: " + restore);
            assertNull(restore.stdinError(), restore::toString);

            ExecResult rows = db.execInContainer("mariadb", "-uroot", "-N", "-B", "drill", "-e",
                    "set session group_concat_max_len = 1073741824;"
                            + " select concat(count(*), ' ', md5(group_concat(payload order by id separator '')))"
                            + " from drill_rows");
            assertEquals(0, rows.getExitCode(), rows.getStderr());
            assertEquals(ROWS + " " + script.payloadMd5(), rows.getStdout().strip());

            ContainerExec.Outcome broken = ContainerExec.run(db, stdin("select * from no_such_table;\n"), RESTORE,
                    "mariadb", "-uroot", "drill");
            assertEquals(1, broken.exitCode(), "mariadb's exit code for a script that failed: " + broken);
            assertTrue(broken.stderr().contains("no_such_table"), broken.stderr());

            assertNoNetwork(db);
            report("mariadb", t0, started, streamed, script);
        }
        assertRemoved(containerId);
    }

    /**
     * The images stand in for the official ones in Testcontainers' modules: PostgreSQLContainer's
     * own wait (its log line, twice: set-up server, then the real one) and its POSTGRES_* settings.
     * MariaDBContainer waits through JDBC on a mapped port, which a container without network
     * has not, so for MariaDB the module's MYSQL_* settings are checked through a plain container.
     */
    @Test
    void imagesStandInForTheOfficialOnesInTestcontainersModules() throws Exception {
        try (PostgreSQLContainer pg = new UnmappedPostgreSQLContainer()
                .withNetworkMode("none")
                // Testcontainers waits for every exposed port to be mapped, which never happens
                // without a network: expose none; the module's own wait reads the log.
                .withExposedPorts()
                .withDatabaseName("shop")
                .withUsername("clerk")
                .withPassword("clerk-password")) {
            pg.start();
            ExecResult who = pg.execInContainer("psql", "-X", "-U", "clerk", "-d", "shop", "-tAc",
                    "select current_user || ' ' || current_database() || ' ' || current_setting('fsync')");
            assertEquals(0, who.getExitCode(), who.getStderr());
            assertEquals("clerk shop off", who.getStdout().strip());
        }

        assertDoesNotThrow(() -> new MariaDBContainer(DockerEngine.mariadbImage()).close());
        try (GenericContainer<?> db = new GenericContainer<>(DockerEngine.mariadbImage())
                .withNetworkMode("none")
                // What MariaDBContainer.configure() sets.
                .withEnv("MYSQL_DATABASE", "shop")
                .withEnv("MYSQL_USER", "clerk")
                .withEnv("MYSQL_PASSWORD", "clerk-password")
                .withEnv("MYSQL_ROOT_PASSWORD", "clerk-password")
                .waitingFor(Wait.forSuccessfulCommand("mariadb-admin ping --silent").withStartupTimeout(STARTUP))) {
            db.start();
            // The password through the environment of the client, not its argv.
            ExecResult who = db.execInContainer("env", "MYSQL_PWD=clerk-password",
                    "mariadb", "-uclerk", "-N", "-B", "shop", "-e", "select concat(current_user(), ' ', database())");
            assertEquals(0, who.getExitCode(), who.getStderr());
            assertEquals("clerk@% shop", who.getStdout().strip());
            ExecResult noPassword = db.execInContainer("mariadb", "-uroot", "-e", "select 1");
            assertNotEquals(0, noPassword.getExitCode(), "root needs its password: " + noPassword.getStdout());
        }
    }

    /**
     * Testcontainers' PostgreSQL module as it is, but for one hook: once started it logs its JDBC
     * URL, which needs a mapped port, and a container without network has none.
     */
    private static final class UnmappedPostgreSQLContainer extends PostgreSQLContainer {
        UnmappedPostgreSQLContainer() {
            super(DockerEngine.postgresImage());
        }

        @Override
        protected void containerIsStarted(InspectContainerResponse containerInfo) {
            // No JDBC URL to log, and no init script to run over JDBC.
        }
    }

    /**
     * The trap {@link ContainerExec} works around: docker-java's {@code withStdIn} sends the bytes
     * but never closes the command's stdin, so {@code cat} never ends. When this fails, docker-java
     * has fixed it and ContainerExec may go back to {@code execStartCmd(...).withStdIn(...)}.
     */
    private static void assertDockerJavaNeverEndsStdin(GenericContainer<?> container) throws Exception {
        DockerClient docker = container.getDockerClient();
        String exec = docker.execCreateCmd(container.getContainerId()).withCmd("cat")
                .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true).exec().getId();
        try (ResultCallback.Adapter<Frame> callback = docker.execStartCmd(exec).withStdIn(stdin("x\n"))
                .exec(new ResultCallback.Adapter<>())) {
            assertFalse(callback.awaitCompletion(2, TimeUnit.SECONDS),
                    "docker-java now ends an exec's stdin: ContainerExec's own exec start may go");
        }
    }

    /**
     * The container has only a loopback interface, and it is not the host's: a port listening on
     * the host's 127.0.0.1 cannot be reached from inside.
     */
    private static void assertNoNetwork(GenericContainer<?> container) throws Exception {
        ExecResult dev = container.execInContainer("cat", "/proc/net/dev");
        Set<String> interfaces = dev.getStdout().lines()
                .filter(line -> line.contains(":"))
                .map(line -> line.substring(0, line.indexOf(':')).strip())
                .collect(Collectors.toSet());
        assertEquals(Set.of("lo"), interfaces, dev.getStdout());

        try (ServerSocket hostListener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = hostListener.getLocalPort();
            ExecResult connect = container.execInContainer("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port);
            assertNotEquals(0, connect.getExitCode(), "reached the host's 127.0.0.1:" + port + " from inside");
            assertTrue(connect.getStderr().contains("Connection refused"), connect.getStderr());
        }
    }

    private static void assertRemoved(String containerId) {
        assertTrue(DockerClientFactory.lazyClient().listContainersCmd().withShowAll(true)
                        .withIdFilter(Set.of(containerId)).exec().isEmpty(),
                "container " + containerId + " is still there after close()");
    }

    private static ByteArrayInputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void report(String engine, long t0, long started, long streamed, SqlScript script) {
        System.out.printf("DockerEngineTest: %s ready in %d ms; %.1f MB of SQL through exec in %d ms%n", engine,
                (started - t0) / 1_000_000, script.bytes().length / 1e6, (streamed - started) / 1_000_000);
    }

    /**
     * A SQL script both engines run: one table, {@code rows} rows of 100 pseudo-random characters,
     * inserted 1000 at a time, and the MD5 of all payloads concatenated in id order.
     */
    private record SqlScript(byte[] bytes, String payloadMd5) {

        static SqlScript generate(int rows) throws NoSuchAlgorithmException {
            Random random = new Random(20_240_601);
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            ByteArrayOutputStream sql = new ByteArrayOutputStream(rows * 120);
            StringBuilder statement = new StringBuilder(
                    "create table drill_rows (id integer primary key, payload varchar(200) not null);\n");
            String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            char[] payload = new char[100];
            for (int id = 1; id <= rows; id++) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = alphabet.charAt(random.nextInt(alphabet.length()));
                }
                String text = new String(payload);
                md5.update(text.getBytes(StandardCharsets.US_ASCII));
                statement.append(id % 1000 == 1 ? "insert into drill_rows (id, payload) values\n" : ",\n");
                statement.append('(').append(id).append(", '").append(text).append("')");
                if (id % 1000 == 0 || id == rows) {
                    statement.append(";\n");
                    sql.writeBytes(statement.toString().getBytes(StandardCharsets.US_ASCII));
                    statement.setLength(0);
                }
            }
            return new SqlScript(sql.toByteArray(), HexFormat.of().formatHex(md5.digest()));
        }
    }
}
