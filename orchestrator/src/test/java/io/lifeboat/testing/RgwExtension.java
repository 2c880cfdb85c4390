package io.lifeboat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import io.lifeboat.drills.testing.RequiredPart;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a Ceph RADOS Gateway on 127.0.0.1 ({@link RgwServer} parameters): one per test run,
 * started by {@code tools/rgw.sh start} under {@code target/} on the first request and stopped
 * (daemons killed, directory removed) when the run ends, through JUnit's root store.
 *
 * <p>Without radosgw installed, or when it cannot start, the test fails, naming
 * {@code tools/prepare-test-machine.sh}; with {@code -Dlifeboat.requireAll=false} it is skipped
 * instead (as {@code DockerEngine.require()} does for Docker), so CI, where the property keeps
 * its default, can never turn a missing RGW into a green run.
 *
 * <pre>
 * &#64;ExtendWith(RgwExtension.class)
 * class SomeRgwTest {
 *     &#64;Test void writes(RgwServer rgw) { ... }
 * }
 * </pre>
 */
public final class RgwExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RgwServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return require(context);
    }

    /** The run's gateway, started on first use. */
    static RgwServer require(ExtensionContext context) {
        Started started = context.getRoot().getStore(ExtensionContext.Namespace.create(RgwExtension.class))
                .computeIfAbsent(Started.class, k -> start(), Started.class);
        return serverOrFail(started, RequiredPart.requireAll());
    }

    /** The server, or a failed test ({@code requireAll}) or an aborted one naming what is missing. */
    static RgwServer serverOrFail(Started started, boolean requireAll) {
        if (started.server != null) {
            return started.server;
        }
        return RequiredPart.missing(started.problem, "Install it with `tools/prepare-test-machine.sh` (or `tools/rgw.sh install`).",
                "RGW tests", requireAll);
    }

    private static Started start() {
        Path script = RgwServer.projectRoot().resolve("tools/rgw.sh");
        if (!Files.isExecutable(Path.of("/usr/bin/radosgw")) && !onPath("radosgw")) {
            return new Started(null, "Ceph RGW (radosgw) is not installed");
        }
        Path dir = RgwServer.projectRoot().resolve("orchestrator/target/rgw-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        try {
            return new Started(RgwServer.start(script, dir), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RgwServer.StartFailed e) {
            return new Started(null, e.getMessage());
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** Closed by JUnit when the root context (the whole run) ends. */
    record Started(RgwServer server, String problem) implements AutoCloseable {
        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }
}
