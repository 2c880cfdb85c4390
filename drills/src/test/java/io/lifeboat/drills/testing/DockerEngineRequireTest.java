package io.lifeboat.drills.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without an answering engine, Docker tests fail (CI) or skip ({@code -Dlifeboat.requireAll=false}),
 * and say how to start one. Needs no engine itself.
 */
class DockerEngineRequireTest {

    @Test
    void withoutEngineTheTestFailsAndSaysHowToStartOne() {
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> DockerEngine.require(null, true));
        assertTrue(failure.getMessage().contains("DOCKER_HOST is not set"), failure.getMessage());
        assertTrue(failure.getMessage().contains("tools/docker-engine.sh start"), failure.getMessage());
    }

    @Test
    void withRequireAllFalseTheTestIsSkippedWithTheSameAdvice(@TempDir Path dir) {
        String missing = "unix://" + dir.resolve("docker.sock");
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> DockerEngine.require(missing, false));
        assertTrue(skipped.getMessage().contains("is unreachable"), skipped.getMessage());
        assertTrue(skipped.getMessage().contains("tools/docker-engine.sh start"), skipped.getMessage());
    }

    @Test
    void aServerThatIsNotDockerDoesNotCount() throws Exception {
        try (ServerSocket notDocker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket client = notDocker.accept(); OutputStream out = client.getOutputStream()) {
                    out.write("HTTP/1.0 404 Not Found\r\n\r\nnope".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception ignored) {
                    // The assertion below reports what the ping made of it.
                }
            });
            server.start();
            String problem = DockerEngine.ping("tcp://127.0.0.1:" + notDocker.getLocalPort());
            server.join(10_000);
            assertTrue(problem != null && problem.contains("answered the ping with HTTP/1.0 404"), problem);
        }
    }

    @Test
    void onlyUnixAndTcpEnginesAreSupported() {
        String problem = DockerEngine.ping("npipe:////./pipe/docker_engine");
        assertTrue(problem != null && problem.contains("only unix:// and tcp://"), problem);
    }

    @Test
    void theEngineOfThisRunAnswers() {
        String host = DockerEngine.configuredHost();
        if (host != null) {
            assertEquals(null, DockerEngine.ping(host), "DOCKER_HOST=" + host);
        }
    }
}
