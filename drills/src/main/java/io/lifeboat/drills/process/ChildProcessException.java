package io.lifeboat.drills.process;

/** A child process failed; the message is {@link ProcessOutcome#describe()}. */
public class ChildProcessException extends RuntimeException {
    public ChildProcessException(String message) {
        super(message);
    }
}
