package io.lifeboat.drills.postgres;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link OrphanReapingTest}: starts a socket-only cluster, prints
 * {@code READY <cluster dir> <postmaster pid>} and waits to be killed with SIGKILL, as a
 * drill process that crashes mid-restore would be.
 *
 * <p>Arguments: the parent directory, the PostgreSQL bin directory.
 */
public final class OrphanedClusterMain {

    private OrphanedClusterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        PostgresInstallation installation = PostgresInstallations.inspect(Path.of(args[1]));
        PrivatePostgresCluster cluster = PrivatePostgresCluster.start(installation,
                PrivatePostgresCluster.Options.socketOnly(Path.of(args[0])));
        System.out.println("READY " + cluster.directory() + " " + cluster.postmasterPid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
