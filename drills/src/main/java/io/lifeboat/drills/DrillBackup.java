package io.lifeboat.drills;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The backup a drill restores, as the drill library sees it: metadata from its manifest, and a
 * way to stream the verified plaintext dump. The orchestrator implements it (fetching with
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

    /** Size of the plaintext dump in bytes as the manifest records it, or -1 when unknown (for progress only). */
    default long plaintextBytes() {
        return -1;
    }

    /**
     * Opens the plaintext dump for one front-to-back read, which a sandbox pipes into its restore
     * tool. Nothing is fetched before the first read.
     *
     * <p>The stream checks the stored object as it goes. Before it reports its end ({@code -1})
     * it has compared the stored object's SHA-256 and size, and the plaintext's size, with the
     * manifest: a restore that read the whole stream without an exception restored the very
     * bytes that were backed up. A read that fails throws {@link BackupReadException}, whose
     * cause says whether the backup is bad or could not be read; every later read throws it
     * again. When the stream ends or fails, the backup records its stages to {@code steps}
     * ({@code fetch}, {@code verify}, {@code decrypt}, each with the time spent in it).
     */
    InputStream open(StepRecorder steps);

    /**
     * As {@link #open(StepRecorder)}, where no read waits for the storage longer than
     * {@code within} after the first read: a backup fetched over a network must honour it, or a
     * connection that went silent would hold a drill past its restore's limit until the HTTP
     * client gives up. A read past it fails like any read of the storage. The default is for
     * backups read from where nothing stalls (a local file).
     */
    default InputStream open(StepRecorder steps, Duration within) {
        return open(steps);
    }

    /**
     * A read of the dump stream failed because of the backup, not the reader: the cause is a
     * {@link BackupDefectException} (the backup is bad: FAILED) or a
     * {@link BackupUnavailableException} (it could not be read: ERRORED).
     */
    final class BackupReadException extends IOException {
        public BackupReadException(BackupDefectException cause) {
            super(cause.getMessage(), cause);
        }

        public BackupReadException(BackupUnavailableException cause) {
            super(cause.getMessage(), cause);
        }

        /** True when the backup itself is bad (checksum mismatch, undecryptable, truncated). */
        public boolean isDefect() {
            return getCause() instanceof BackupDefectException;
        }
    }

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
