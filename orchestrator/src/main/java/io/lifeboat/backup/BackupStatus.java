package io.lifeboat.backup;

/** What a listing can say about one backup, without downloading its data. */
public enum BackupStatus {
    /** Data object and a readable manifest whose size matches it. */
    COMPLETE,
    /** A data object without a manifest: the backup never finished (or is finishing now). */
    INCOMPLETE,
    /** A manifest whose data object is missing. */
    MISSING_OBJECT,
    /** The manifest cannot be read or parsed. */
    BAD_MANIFEST,
    /** The data object's size differs from the manifest's stored_bytes. */
    SIZE_MISMATCH
}
