package io.lifeboat.drills.postgres;

import io.lifeboat.drills.sandbox.SandboxRequest;

import java.util.Optional;

/**
 * Run in a child JVM by {@link DockerPostgresSandboxProviderTest}: creates a docker sandbox,
 * prints {@code READY <container id>} and waits to be killed with SIGKILL, as a drill process
 * that crashes mid-restore would be.
 *
 * <p>Arguments: the drill name, the run id.
 */
public final class OrphanedContainerMain {

    private OrphanedContainerMain() {
    }

    public static void main(String[] args) throws Exception {
        DockerPostgresSandbox sandbox = new DockerPostgresSandboxProvider(Optional.empty())
                .create(new SandboxRequest(args[0], args[1], "postgres", "15.0"));
        System.out.println("READY " + sandbox.containerId());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
