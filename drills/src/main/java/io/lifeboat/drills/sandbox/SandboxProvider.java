package io.lifeboat.drills.sandbox;

/**
 * Creates sandboxes of one kind ({@code ephemeral}, {@code server}, {@code docker}) for one
 * engine. One contract test suite runs against every provider.
 */
public interface SandboxProvider {

    /** The configuration name of this kind. */
    String kind();

    /**
     * Creates a sandbox, after the guard has accepted where it will be.
     *
     * @throws SandboxRefusedException    the guard refused the target (FAILED)
     * @throws SandboxUnavailableException it could not be created (ERRORED)
     */
    Sandbox create(SandboxRequest request) throws SandboxRefusedException, SandboxUnavailableException;
}
