package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.docker.SandboxContainer;
import io.lifeboat.drills.sandbox.ClientSandbox;

import java.util.List;
import java.util.Objects;

/**
 * The {@code docker} sandbox for MariaDB: a server in a container with no network
 * ({@link SandboxContainer}), listening on its Unix socket only, holding one database
 * {@value #DATABASE}. The {@code mariadb} client runs inside the container through the engine's
 * exec API, the dump streamed into its standard input, so the restored database can reach
 * nothing and nothing reaches it but this sandbox. Inside, the client logs in on the socket as
 * {@code root}, which has no password: no password exists anywhere.
 *
 * <p>Made by {@link DockerMariaDbSandboxProvider}; {@link #close()} removes the container and
 * its volumes; a JVM killed meanwhile leaves the container labelled with its dead PID, and the
 * next {@code create} of any docker provider reaps it.
 */
public final class DockerMariaDbSandbox extends ClientSandbox {

    /** The database the backup is restored into. */
    public static final String DATABASE = EphemeralMariaDbSandbox.DATABASE;

    private final SandboxContainer container;
    private final String serverVersion;

    DockerMariaDbSandbox(SandboxContainer container, MariaDbClient client, String serverVersion, List<String> warnings) {
        super(client, DATABASE, warnings);
        this.container = Objects.requireNonNull(container, "container");
        this.serverVersion = Objects.requireNonNull(serverVersion, "serverVersion");
    }

    /** The container's full id; it is gone after {@link #close()}. */
    public String containerId() {
        return container.id();
    }

    @Override
    public String describe() {
        return "docker MariaDB " + serverVersion + ", " + container.describe() + ", database " + DATABASE;
    }

    @Override
    protected void requireRestorable(String dumpFormat) {
        MariaDbDumpFormats.requireRestorable(dumpFormat);
    }

    /**
     * Removes the container and its volumes. Idempotent.
     *
     * @throws IllegalStateException when it is still there (named, with the command to remove it)
     */
    @Override
    public void close() {
        container.close();
    }
}
