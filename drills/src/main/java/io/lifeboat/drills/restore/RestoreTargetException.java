package io.lifeboat.drills.restore;

/**
 * The target server could not do what was asked (unreachable, a database exists that must not,
 * a rename failed). The message names the server and database and says what a person can do.
 */
public final class RestoreTargetException extends Exception {
    public RestoreTargetException(String message) {
        super(message);
    }

    public RestoreTargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
