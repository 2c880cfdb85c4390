package io.lifeboat.drills;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The backup a drill restores, as the drill library sees it: metadata from its manifest, and a
 * way to materialize the verified plaintext dump. The orchestrator implements it (fetching with
 * the reader credential, checking the SHA-256, decrypting); the drill library never sees S3.
 */
public interface DrillBackup {

    String backupId();

    /** When the dump started: the moment the backup's data is from (for RPO). */
    Instant takenAt();

    String engine();

    String serverVersion();

    /** Dump format as in the manifest, e.g. {@code pg_dump-custom}. */
    String dumpFormat();

    /** Rows per table at dump time, from the manifest. */
    Map<String, Long> rowCounts();

    Optional<CanaryRow> canary();

    /**
     * Writes the plaintext dump into {@code file} (a private file the runner owns), reporting
     * the time of each stage to {@code steps} ({@code fetch}, {@code verify}, {@code decrypt}).
     *
     * @throws BackupDefectException      the stored backup is bad: checksum mismatch, truncated,
     *                                    not decryptable with the identity (FAILED)
     * @throws BackupUnavailableException it could not be read: target unreachable, access denied (ERRORED)
     */
    void materialize(Path file, StepRecorder steps) throws BackupDefectException, BackupUnavailableException;

    /** The stored backup is bad; the message says what is wrong with it. */
    class BackupDefectException extends Exception {
        public BackupDefectException(String message) {
            super(message);
        }
    }

    /** The backup could not be read; the message says why and from where. */
    class BackupUnavailableException extends Exception {
        public BackupUnavailableException(String message) {
            super(message);
        }
    }
}
