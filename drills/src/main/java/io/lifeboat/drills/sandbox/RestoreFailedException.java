package io.lifeboat.drills.sandbox;

/** The restore tool failed: the backup does not restore (a FAILED drill). */
public class RestoreFailedException extends Exception {
    public RestoreFailedException(String message) {
        super(message);
    }
}
