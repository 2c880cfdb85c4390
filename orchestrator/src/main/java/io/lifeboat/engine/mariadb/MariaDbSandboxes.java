package io.lifeboat.engine.mariadb;

import io.lifeboat.drills.mariadb.DockerMariaDbSandboxProvider;
import io.lifeboat.drills.mariadb.EphemeralMariaDbSandboxProvider;
import io.lifeboat.drills.mariadb.MariaDbServerSandboxProvider;
import io.lifeboat.drills.mariadb.MariaDbTools;
import io.lifeboat.drills.mariadb.PrivateMariaDbServer;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.engine.EngineSandboxes;
import java.util.Optional;

/** MariaDB's sandboxes, from the drills library. */
final class MariaDbSandboxes implements EngineSandboxes {

    @Override
    public SandboxProvider ephemeral() {
        return new EphemeralMariaDbSandboxProvider(MariaDbTools::discover, PrivateMariaDbServer.defaultParentDir());
    }

    @Override
    public SandboxProvider server(SandboxServer server, SandboxGuard guard) {
        return new MariaDbServerSandboxProvider(server, guard, MariaDbTools::discover);
    }

    /** The official {@code mariadb:<source major.minor>} image unless the drill pins one. */
    @Override
    public SandboxProvider docker(Optional<String> image) {
        return new DockerMariaDbSandboxProvider(image);
    }
}
