package io.lifeboat.drills.postgres;

import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxServer;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Run in a child JVM by {@link ServerSandboxProviderTest}: creates a throwaway database on a
 * declared sandbox server, prints {@code READY <database>} and waits to be killed with SIGKILL,
 * as a drill that crashes mid-restore would be.
 *
 * <p>Arguments: port, user, password file of the sandbox server on 127.0.0.1, and a run id.
 */
public final class OrphanedServerSandboxMain {

    private OrphanedServerSandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        SandboxServer server = new SandboxServer("test-sandbox", "127.0.0.1", Integer.parseInt(args[0]), args[1],
                Optional.of(Path.of(args[2])), "disable");
        ServerSandbox sandbox = new ServerSandboxProvider(server, new SandboxGuard(List.of(), List.of(server)),
                PostgresInstallations.discover()).create(new SandboxRequest("crashing", args[3], "postgres", "15"));
        System.out.println("READY " + sandbox.database());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
