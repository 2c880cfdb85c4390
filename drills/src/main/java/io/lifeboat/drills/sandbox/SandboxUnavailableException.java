package io.lifeboat.drills.sandbox;

/** The sandbox could not be created (binaries missing, server or Docker down): an ERRORED drill. */
public class SandboxUnavailableException extends Exception {
    public SandboxUnavailableException(String message) {
        super(message);
    }

    public SandboxUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
