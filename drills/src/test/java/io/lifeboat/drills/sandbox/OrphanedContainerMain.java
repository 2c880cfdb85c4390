package io.lifeboat.drills.sandbox;

import java.util.Optional;

/**
 * Run in a child JVM by {@link DockerSandboxContract}: creates a docker sandbox, prints
 * {@code READY <container id>} and waits to be killed with SIGKILL, as a drill process that
 * crashes mid-restore would be.
 *
 * <p>Arguments: the provider's class (made with its {@code Optional<String>} image constructor,
 * no pinned image), the drill name, the run id, the backup's engine and server version.
 */
public final class OrphanedContainerMain {

    private OrphanedContainerMain() {
    }

    public static void main(String[] args) throws Exception {
        SandboxProvider provider = (SandboxProvider) Class.forName(args[0]).getConstructor(Optional.class)
                .newInstance(Optional.empty());
        provider.create(new SandboxRequest(args[1], args[2], args[3], args[4]));
        System.out.println("READY " + DockerSandboxContract.containerOfRun(args[2]));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
