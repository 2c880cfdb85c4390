package io.lifeboat.drills.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tools/docker-engine.sh}, the engine every Docker test runs on, started the way CI starts
 * it: on a machine whose state directory survived a reboot. Each test runs a second engine of
 * its own (own state directory, exec root and socket), so the shared test engine is untouched.
 */
class DockerEngineScriptTest {

    private Path stateDir;
    private Process unrelated;

    @BeforeEach
    void stateDirectory() throws IOException {
        // Short, so that the exec root lives inside it (the script moves long ones to /run).
        stateDir = Files.createTempDirectory(Path.of("/tmp"), "lbe");
    }

    @AfterEach
    void purge() throws Exception {
        script("purge");
        if (unrelated != null) unrelated.destroyForcibly();
    }

    /**
     * The CI failure of 2026-11-24: containerd.pid in the exec root, written before a reboot,
     * named a PID that another process had by then. dockerd took that process for its running
     * containerd and gave up with "timeout waiting for containerd to start".
     */
    @Test
    void aContainerdPidFileNamingAnotherProcessDoesNotStopTheEngineFromStarting() throws Exception {
        unrelated = new ProcessBuilder("sleep", "600").start();
        Path pidFile = stateDir.resolve("x/containerd/containerd.pid");
        Files.createDirectories(pidFile.getParent());
        Files.writeString(pidFile, Long.toString(unrelated.pid()));

        Result start = script("start");

        assertEquals(0, start.exit, start.toString());
        String socket = stateDir.resolve("x/docker.sock").toString();
        assertEquals("DOCKER_HOST=unix://" + socket, start.stdout.strip(), start.toString());
        assertTrue(start.stderr.contains("removing stale " + pidFile), start.toString());
        Result status = script("status");
        assertEquals(0, status.exit, status.toString());
        assertTrue(unrelated.isAlive(), "the process that had the stale PID was left alone");
    }

    @Test
    void startIsIdempotentAndStopStopsTheEngine() throws Exception {
        assertEquals(0, script("start").exit);
        Result again = script("start");
        assertEquals(0, again.exit, again.toString());
        assertTrue(!again.stderr.contains("started dockerd"), "a second start launches no second engine: " + again);

        assertEquals(0, script("stop").exit);
        Result status = script("status");
        assertEquals(1, status.exit, status.toString());
    }

    private Result script(String command) throws IOException, InterruptedException {
        Path script = projectRoot().resolve("tools/docker-engine.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command);
        pb.environment().put("LIFEBOAT_DOCKER_DIR", stateDir.toString());
        Path out = Files.createTempFile("engine", ".out");
        Path err = Files.createTempFile("engine", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker-engine.sh " + command + " did not finish in 120 s");
        }
        Result r = new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private record Result(String command, int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            List<String> lines = new ArrayList<>(List.of("docker-engine.sh " + command + " exited " + exit));
            lines.add("stdout: " + stdout);
            lines.add("stderr: " + stderr);
            return String.join("\n", lines);
        }
    }

    private static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("tools/docker-engine.sh"))) return p;
        }
        throw new IllegalStateException("tools/docker-engine.sh not found above " + Path.of("").toAbsolutePath());
    }
}
