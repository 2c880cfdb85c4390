package io.lifeboat;

/**
 * A failure a person can act on: the message says what went wrong and, where possible, how to fix
 * it. The exit code says which kind of failure it is. Messages never contain secrets.
 */
public class LifeboatException extends RuntimeException {
    private final ExitCode exitCode;

    public LifeboatException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public LifeboatException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
