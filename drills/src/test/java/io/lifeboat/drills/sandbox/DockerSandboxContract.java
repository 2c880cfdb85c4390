package io.lifeboat.drills.sandbox;

import com.github.dockerjava.api.DockerClient;
import io.lifeboat.drills.docker.ContainerExec;
import io.lifeboat.drills.docker.SandboxContainer;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.testing.DockerEngine;
import io.lifeboat.drills.testing.DumpFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

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
 * The contract for {@code docker} providers of every engine, on top of
 * {@link SandboxProviderContract}: what only a container without network has to show. No
 * interface but loopback, gone after close whatever happened, and reaped after its JVM was
 * killed. Subclasses supply the provider (whose public constructor takes the drill's pinned image,
 * {@code Optional<String>}), the container id of a sandbox, and how the engine shows that it
 * listens on its socket only. A missing engine fails each test (or, with
 * {@code -Dlifeboat.requireAll=false}, skips it).
 */
public abstract class DockerSandboxContract extends SandboxProviderContract {

    private static final Duration QUERY = Duration.ofSeconds(30);

    @BeforeEach
    void engine() {
        DockerEngine.require();
    }

    /** The sandbox's container id. */
    protected abstract String containerId(Sandbox sandbox);

    /** The system property naming the image the provider uses in tests. */
    protected abstract String imageProperty();

    /** Fails unless the sandbox's server has no TCP listener. */
    protected abstract void assertSocketOnly(Sandbox sandbox) throws Exception;

    @Override
    protected void assertRemoved(Sandbox closed) {
        assertGone(containerId(closed));
    }

    @Test
    void theContainerHasNoNetworkButItsOwnLoopback() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            String id = containerId(sandbox);
            String describe = sandbox.describe();
            assertTrue(describe.contains("network none") && describe.contains(id.substring(0, 12))
                    && describe.contains(System.getProperty(imageProperty())), describe);
            assertSocketOnly(sandbox);

            assertEquals("none", docker().inspectContainerCmd(id).exec().getHostConfig().getNetworkMode());

            String dev = exec(id, "cat", "/proc/net/dev").stdout();
            Set<String> interfaces = dev.lines().filter(l -> l.contains(":"))
                    .map(l -> l.substring(0, l.indexOf(':')).strip()).collect(Collectors.toSet());
            assertEquals(Set.of("lo"), interfaces, dev);
            String routes = exec(id, "cat", "/proc/net/route").stdout();
            assertEquals(1, routes.lines().count(), "no route at all, only the header: " + routes);

            try (ServerSocket hostListener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = hostListener.getLocalPort();
                ContainerExec.Outcome connect = exec(id, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port);
                assertNotEquals(0, connect.exitCode(), "reached the host's 127.0.0.1:" + port + " from inside");
                assertTrue(connect.stderr().contains("Connection refused"), connect.stderr());
            }
        }
    }

    @Test
    void theContainerIsGoneAfterCloseOnEveryOutcome() throws Exception {
        // a restore the dump breaks
        String failedRestore;
        try (Sandbox sandbox = provider().create(request())) {
            failedRestore = containerId(sandbox);
            assertThrows(RestoreFailedException.class,
                    () -> DumpFixtures.restore(sandbox, fixtures().truncated().file(), fixtures().dumpFormat()));
        }
        assertGone(failedRestore);

        // a dump stream that breaks midway
        String brokenStream;
        byte[] good = Files.readAllBytes(fixtures().good().file());
        InputStream half = new SequenceInputStream(new ByteArrayInputStream(good, 0, good.length / 2), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("fetch failed");
            }
        });
        try (Sandbox sandbox = provider().create(request())) {
            brokenStream = containerId(sandbox);
            assertThrows(DumpReadException.class, () -> sandbox.restore(half, fixtures().dumpFormat()));
            // the restore tool was killed, not left waiting for the rest of the dump
            ContainerExec.Outcome ps = exec(brokenStream, "sh", "-c", "for p in /proc/[0-9]*; do cat $p/comm; done");
            assertFalse(ps.stdout().lines().toList().contains(fixtures().restoreTool()), ps.stdout());
        }
        assertGone(brokenStream);

        // an exception thrown by the drill itself while the sandbox is open
        String thrown = null;
        try (Sandbox sandbox = provider().create(request())) {
            thrown = containerId(sandbox);
            throw new IllegalStateException("the drill broke");
        } catch (IllegalStateException expected) {
            assertEquals("the drill broke", expected.getMessage());
        }
        assertGone(thrown);
    }

    /** A drill JVM killed mid-drill leaves its container running; the next create removes it and says so. */
    @Test
    void theContainerOfAKilledJvmIsReapedByTheNextCreate() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String run = "killed" + ProcessHandle.current().pid();
        List<String> command = List.of(java, "-cp", classPath,
                "-D" + imageProperty() + "=" + System.getProperty(imageProperty()),
                OrphanedContainerMain.class.getName(), provider().getClass().getName(), "orphan", run,
                fixtures().engine(), fixtures().good().serverVersion());
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

        try (Sandbox sandbox = provider().create(request())) {
            assertGone(orphan);
            List<String> warnings = sandbox.warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            String w = warnings.get(0);
            assertTrue(w.contains(orphan.substring(0, 12)) && w.contains("left behind") && w.contains("drill orphan"), w);
        }
    }

    protected static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    /** Runs {@code command} in the container, stdin closed, to its end. */
    protected static ContainerExec.Outcome exec(String containerId, String... command) throws Exception {
        try (ContainerExec exec = ContainerExec.start(docker(), containerId, List.of(command), Map.of())) {
            exec.stdin().close();
            String out = new String(exec.stdout().readAllBytes(), StandardCharsets.UTF_8);
            ProcessOutcome o = exec.waitFor(30, TimeUnit.SECONDS);
            return new ContainerExec.Outcome(o.exitCode(), out, o.stderrTail(), 0, null);
        }
    }

    protected static void assertGone(String containerId) {
        assertTrue(docker().listContainersCmd().withShowAll(true).withIdFilter(Set.of(containerId)).exec().isEmpty(),
                "container " + containerId + " is still there after close()");
    }

    /** The label every sandbox container carries with its run id: how {@link OrphanedContainerMain} finds its own. */
    static String containerOfRun(String runId) {
        List<com.github.dockerjava.api.model.Container> found = docker().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(SandboxContainer.RUN_LABEL, runId)).exec();
        if (found.size() != 1) {
            throw new IllegalStateException(found.size() + " containers of run " + runId);
        }
        return found.get(0).getId();
    }
}
