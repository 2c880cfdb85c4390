package io.lifeboat.drills.privateserver;

/**
 * A private server's directory, account or processes could not be set up or cleaned up. Messages
 * say which directory, which step, and what went wrong. Engines throw their own subclasses for
 * their server's own steps.
 */
public class PrivateServerException extends RuntimeException {
    public PrivateServerException(String message) {
        super(message);
    }

    public PrivateServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
