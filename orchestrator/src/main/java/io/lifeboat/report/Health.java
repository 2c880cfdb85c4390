package io.lifeboat.report;

/** What the report says of one drill or source; anything but OK makes {@code lifeboat report} exit 1. */
public enum Health {
    /** The last run succeeded and the next one is not late. */
    OK,
    /** The last run failed: the backup or the data is bad, or the dump or upload failed. */
    FAILED,
    /** The last run could not complete (bucket unreachable, sandbox could not start). */
    ERRORED,
    /** Silence: no successful run within the schedule's interval plus the grace period, or none ever. */
    OVERDUE;

    /** The worse of two: FAILED, then ERRORED, then OVERDUE, then OK. */
    public Health worst(Health other) {
        return severity() >= other.severity() ? this : other;
    }

    private int severity() {
        return switch (this) {
            case OK -> 0;
            case OVERDUE -> 1;
            case ERRORED -> 2;
            case FAILED -> 3;
        };
    }
}
