package io.lifeboat.drills.sandbox;

import java.time.Duration;

/** The restore tool was stopped because it ran past its time limit: a FAILED drill, the backup not shown bad. */
public final class RestoreStoppedException extends RestoreFailedException {
    private final Duration limit;

    public RestoreStoppedException(String message, Duration limit) {
        super(message);
        this.limit = limit;
    }

    /** The limit the restore ran past. */
    public Duration limit() {
        return limit;
    }
}
