package io.lifeboat.drills.postgres;

import com.github.dockerjava.api.DockerClient;
import io.lifeboat.drills.docker.ContainerExec;
import io.lifeboat.drills.docker.SandboxContainer;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.sandbox.DumpReadException;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxProviderContract;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.testing.DockerEngine;
import io.lifeboat.drills.testing.DumpFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox contract for {@code docker}, and what only a container without network has to
 * show: no interface but loopback, gone after close whatever happened, and reaped after its JVM
 * was killed.
 */
class DockerPostgresSandboxProviderTest extends SandboxProviderContract {

    private static final Duration QUERY = Duration.ofSeconds(30);

    /** Per test: a missing engine fails (or, with -Dlifeboat.requireAll=false, skips) each one. */
    @BeforeEach
    void engine() {
        DockerEngine.require();
    }

    @Override
    protected SandboxProvider provider() {
        return new DockerPostgresSandboxProvider(Optional.empty());
    }

    @Override
    protected void assertRemoved(Sandbox closed) {
        assertGone(((DockerPostgresSandbox) closed).containerId());
    }

    @Test
    void theContainerHasNoNetworkButItsOwnLoopback() throws Exception {
        try (DockerPostgresSandbox sandbox = (DockerPostgresSandbox) provider().create(request())) {
            String describe = sandbox.describe();
            assertTrue(describe.contains("network none") && describe.contains(sandbox.containerId().substring(0, 12))
                    && describe.contains(System.getProperty(DockerPostgresSandboxProvider.IMAGE_PROPERTY)), describe);
            assertEquals(Optional.of(""), sandbox.query("SHOW listen_addresses", QUERY).value(), "socket only");

            Map<String, Object> inspect = networkMode(sandbox.containerId());
            assertEquals("none", inspect.get("mode"), inspect.toString());

            String dev = exec(sandbox.containerId(), "cat", "/proc/net/dev").stdout();
            Set<String> interfaces = dev.lines().filter(l -> l.contains(":"))
                    .map(l -> l.substring(0, l.indexOf(':')).strip()).collect(Collectors.toSet());
            assertEquals(Set.of("lo"), interfaces, dev);
            String routes = exec(sandbox.containerId(), "cat", "/proc/net/route").stdout();
            assertEquals(1, routes.lines().count(), "no route at all, only the header: " + routes);

            try (ServerSocket hostListener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = hostListener.getLocalPort();
                ContainerExec.Outcome connect = exec(sandbox.containerId(), "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port);
                assertNotEquals(0, connect.exitCode(), "reached the host's 127.0.0.1:" + port + " from inside");
                assertTrue(connect.stderr().contains("Connection refused"), connect.stderr());
            }
        }
    }

    @Test
    void theContainerIsGoneAfterCloseOnEveryOutcome() throws Exception {
        // a restore the archive breaks
        String failedRestore;
        try (DockerPostgresSandbox sandbox = (DockerPostgresSandbox) provider().create(request())) {
            failedRestore = sandbox.containerId();
            assertThrows(RestoreFailedException.class,
                    () -> DumpFixtures.restore(sandbox, DumpFixtures.truncated().file(), "pg_dump-custom"));
        }
        assertGone(failedRestore);

        // a dump stream that breaks midway
        String brokenStream;
        byte[] good = Files.readAllBytes(DumpFixtures.good().file());
        InputStream half = new SequenceInputStream(new ByteArrayInputStream(good, 0, good.length / 2), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("fetch failed");
            }
        });
        try (DockerPostgresSandbox sandbox = (DockerPostgresSandbox) provider().create(request())) {
            brokenStream = sandbox.containerId();
            assertThrows(DumpReadException.class, () -> sandbox.restore(half, "pg_dump-custom"));
            // pg_restore was killed, not left waiting for the rest of the archive
            ContainerExec.Outcome ps = exec(brokenStream, "sh", "-c",
                    "for p in /proc/[0-9]*; do cat $p/comm; done");
            assertFalse(ps.stdout().lines().toList().contains("pg_restore"), ps.stdout());
        }
        assertGone(brokenStream);

        // an exception thrown by the drill itself while the sandbox is open
        String thrown = null;
        try (DockerPostgresSandbox sandbox = (DockerPostgresSandbox) provider().create(request())) {
            thrown = sandbox.containerId();
            throw new IllegalStateException("the drill broke");
        } catch (IllegalStateException expected) {
            assertEquals("the drill broke", expected.getMessage());
        }
        assertGone(thrown);
    }

    @Test
    void aContainerThatNeverGetsReadyIsRemoved() {
        String run = "never-ready-" + ProcessHandle.current().pid();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SandboxContainer.start(
                new SandboxContainer.Spec(DockerEngine.postgresImage(), "contract", run, Map.of("POSTGRES_HOST_AUTH_METHOD", "trust"),
                        List.of(), "false", Duration.ofSeconds(3))));
        assertTrue(e.getMessage().contains("did not start"), e.getMessage());
        assertTrue(docker().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(SandboxContainer.RUN_LABEL, run)).exec().isEmpty(), "left behind after a failed start");
    }

    /** A drill JVM killed mid-drill leaves its container running; the next create removes it and says so. */
    @Test
    void theContainerOfAKilledJvmIsReapedByTheNextCreate() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(java, "-cp", classPath,
                "-D" + DockerPostgresSandboxProvider.IMAGE_PROPERTY + "=" + System.getProperty(DockerPostgresSandboxProvider.IMAGE_PROPERTY),
                OrphanedContainerMain.class.getName(), "orphan", "killed" + ProcessHandle.current().pid());
        // the child's environment is an allow-list: hand it the engine and Testcontainers' settings
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("DOCKER_HOST", "TESTCONTAINERS_RYUK_DISABLED", "TESTCONTAINERS_HOST_OVERRIDE")) {
            Optional.ofNullable(System.getenv(name)).ifPresent(v -> env.put(name, v));
        }
        String orphan;
        try (ChildProcess jvm = ChildProcess.start(command, env, Optional.empty(), Optional.empty())) {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.stdout(), StandardCharsets.UTF_8));
            String ready = assertTimeoutPreemptively(Duration.ofSeconds(120), out::readLine);
            if (ready == null) {
                ProcessOutcome ended = jvm.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("child JVM ended early: " + ended.describe());
            }
            assertTrue(ready.startsWith("READY "), ready);
            orphan = ready.substring("READY ".length()).strip();
            // no finally, no shutdown hook: as after a real crash
            ProcessHandle.of(jvm.pid()).orElseThrow().destroyForcibly();
            assertEquals(137, jvm.waitFor(10, TimeUnit.SECONDS).exitCode());
        }
        assertTrue(Boolean.TRUE.equals(docker().inspectContainerCmd(orphan).exec().getState().getRunning()),
                "the orphan's container outlives its JVM");

        try (DockerPostgresSandbox sandbox = (DockerPostgresSandbox) provider().create(request())) {
            assertGone(orphan);
            List<String> warnings = sandbox.warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            String w = warnings.get(0);
            assertTrue(w.contains(orphan.substring(0, 12)) && w.contains("left behind") && w.contains("drill orphan"), w);
        }
    }

    @Test
    void theDrillsImageWinsOverThePropertyWhichWinsOverTheSourcesMajor() throws Exception {
        String property = System.getProperty(DockerPostgresSandboxProvider.IMAGE_PROPERTY);
        assertEquals(DockerImageName.parse("registry.example.net/pg:16.4"),
                new DockerPostgresSandboxProvider(Optional.of("registry.example.net/pg:16.4")).imageFor("15.6"));
        assertEquals(DockerImageName.parse(property), new DockerPostgresSandboxProvider(Optional.empty()).imageFor("16.4"));
        try {
            System.clearProperty(DockerPostgresSandboxProvider.IMAGE_PROPERTY);
            DockerPostgresSandboxProvider defaults = new DockerPostgresSandboxProvider(Optional.empty());
            assertEquals(DockerImageName.parse("postgres:16"), defaults.imageFor("16.4 (Debian 16.4-1.pgdg120+1)"));
            assertEquals(DockerImageName.parse("postgres:9"), defaults.imageFor("9.6.24"));
            SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> defaults.imageFor("unknown"));
            assertTrue(e.getMessage().contains("set image:"), e.getMessage());
        } finally {
            System.setProperty(DockerPostgresSandboxProvider.IMAGE_PROPERTY, property);
        }
        assertEquals(Optional.empty(), DockerPostgresSandboxProvider.versionWarning("15.6", "15.10 (Debian 15.10-0+deb12u1)"));
        assertTrue(DockerPostgresSandboxProvider.versionWarning("16.4", "15.10").orElseThrow().contains("older than the source"));
    }

    @Test
    void aBackupOfAnotherEngineIsNotForThisSandbox() {
        SandboxRequest maria = new SandboxRequest("contract", "m1", "mariadb", "10.11.6-MariaDB");
        assertThrows(SandboxUnavailableException.class, () -> provider().create(maria));
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private static ContainerExec.Outcome exec(String containerId, String... command) throws Exception {
        try (ContainerExec exec = ContainerExec.start(docker(), containerId, List.of(command), Map.of())) {
            exec.stdin().close();
            String out = new String(exec.stdout().readAllBytes(), StandardCharsets.UTF_8);
            ProcessOutcome o = exec.waitFor(30, TimeUnit.SECONDS);
            return new ContainerExec.Outcome(o.exitCode(), out, o.stderrTail(), 0, null);
        }
    }

    private static Map<String, Object> networkMode(String containerId) {
        return Map.of("mode", docker().inspectContainerCmd(containerId).exec().getHostConfig().getNetworkMode());
    }

    private static void assertGone(String containerId) {
        assertTrue(docker().listContainersCmd().withShowAll(true).withIdFilter(Set.of(containerId)).exec().isEmpty(),
                "container " + containerId + " is still there after close()");
    }
}
