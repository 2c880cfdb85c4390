package io.lifeboat.catalog;

/** How a backup run ended, as the exit codes of {@code backup run} say it. */
public enum BackupOutcome {
    /** Stored, with its manifest. */
    SUCCEEDED,
    /** The dump or the upload failed (exit 1). */
    FAILED,
    /** Could not complete: database or target unreachable (exit 3). */
    ERRORED
}
