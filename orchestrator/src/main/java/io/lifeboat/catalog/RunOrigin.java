package io.lifeboat.catalog;

/** What started a run, so the catalog can tell scheduled work from manual and rebuilt entries. */
public enum RunOrigin {
    /** A one-shot command ({@code lifeboat backup run}, {@code drill run}): a person or system cron. */
    CLI,
    /** A schedule of {@code lifeboat serve}. */
    SCHEDULE,
    /** A {@code lifeboat trigger} request, run by the scheduler. */
    TRIGGER,
    /** Rebuilt from the bucket's manifests by {@code lifeboat catalog sync}. */
    SYNC
}
