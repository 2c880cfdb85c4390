package io.lifeboat.engine;

import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxServer;
import java.util.Optional;

/**
 * The sandbox kinds an engine offers to drills. Each engine answers with its own
 * implementations, so drill code never branches on the engine.
 */
public interface EngineSandboxes {

    /** A private server of the engine in a temp dir, socket only. */
    SandboxProvider ephemeral();

    /** Throwaway databases on a declared sandbox server; every one passes the guard first. */
    SandboxProvider server(SandboxServer server, SandboxGuard guard);

    /** A container with no network; {@code image} overrides the engine's pinned default. */
    SandboxProvider docker(Optional<String> image);
}
