package io.lifeboat.drills.postgres;

import io.lifeboat.drills.docker.SandboxContainer;

import java.util.List;
import java.util.Objects;

/**
 * The {@code docker} sandbox for PostgreSQL: a server in a container with no network
 * ({@link SandboxContainer}), holding one database {@value #DATABASE}. {@code pg_restore} and
 * {@code psql} run inside the container through the engine's exec API, the dump streamed into
 * pg_restore's standard input, so the restored database can reach nothing and nothing reaches
 * it but this sandbox. Inside, the clients connect over the server's Unix socket as
 * {@code postgres} with trust: no password exists anywhere.
 *
 * <p>Made by {@link DockerPostgresSandboxProvider}; {@link #close()} removes the container and
 * its volumes; a JVM killed meanwhile leaves the container labelled with its dead PID, and the
 * provider's next {@code create} reaps it.
 */
public final class DockerPostgresSandbox extends PostgresDatabaseSandbox {

    /** The database the backup is restored into. */
    public static final String DATABASE = EphemeralPostgresSandbox.DATABASE;

    private final SandboxContainer container;
    private final String serverVersion;

    DockerPostgresSandbox(SandboxContainer container, PostgresClient client, String serverVersion, List<String> warnings) {
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
        return "docker PostgreSQL " + serverVersion + ", " + container.describe() + ", database " + DATABASE;
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
