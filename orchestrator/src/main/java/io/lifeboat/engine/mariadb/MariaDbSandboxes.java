package io.lifeboat.engine.mariadb;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
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

    @Override
    public SandboxProvider docker(Optional<String> image) {
        throw new LifeboatException(ExitCode.USAGE, "sandbox: docker is not available for MariaDB in this build yet;"
                + " use sandbox: ephemeral or sandbox: server");
    }
}
