package io.lifeboat.engine.postgres;

import io.lifeboat.drills.postgres.DockerPostgresSandboxProvider;
import io.lifeboat.drills.postgres.EphemeralPostgresSandboxProvider;
import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import io.lifeboat.drills.postgres.ServerSandboxProvider;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.engine.EngineSandboxes;
import java.util.Optional;

/** PostgreSQL's sandboxes, from the drills library. */
final class PostgresSandboxes implements EngineSandboxes {
    private final PostgresInstallations installations;

    PostgresSandboxes(PostgresInstallations installations) {
        this.installations = installations;
    }

    @Override
    public SandboxProvider ephemeral() {
        return new EphemeralPostgresSandboxProvider(installations, PrivatePostgresCluster.defaultParentDir());
    }

    @Override
    public SandboxProvider server(SandboxServer server, SandboxGuard guard) {
        return new ServerSandboxProvider(server, guard, installations);
    }

    /** The official {@code postgres:<source major>} image unless the drill pins one. */
    @Override
    public SandboxProvider docker(Optional<String> image) {
        return new DockerPostgresSandboxProvider(image);
    }
}
