package io.lifeboat.drill;

import com.github.luben.zstd.ZstdInputStream;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.Manifest;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.StepRecorder;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageTarget;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * A backup in a target, as a drill restores it: read with the reader credential, SHA-256
 * checked against the manifest, decrypted with the drill host's identity and decompressed, in
 * one streaming pass straight into the sandbox's restore tool: no plaintext copy on disk.
 *
 * <p>A stored object that does not match its manifest fails the drill even if it would have
 * decrypted and restored: it is not the object that was written. When decryption fails, the rest
 * of the object is still read so the report can say which it was — a damaged object (checksum
 * mismatch) or the wrong key (checksum fine, decryption refused).
 */
public final class StoredBackup implements DrillBackup {

    private final StorageTarget reader;
    private final Manifest manifest;
    private final Path identityFile;

    public StoredBackup(StorageTarget reader, Manifest manifest, Path identityFile) {
        this.reader = reader;
        this.manifest = manifest;
        this.identityFile = identityFile;
    }

    public Manifest manifest() {
        return manifest;
    }

    @Override
    public String backupId() {
        return manifest.backupId();
    }

    @Override
    public Instant takenAt() {
        return manifest.startedAt();
    }

    @Override
    public String engine() {
        return manifest.engine();
    }

    @Override
    public String serverVersion() {
        return manifest.serverVersion();
    }

    @Override
    public String dumpFormat() {
        return manifest.dumpFormat();
    }

    @Override
    public Map<String, Long> rowCounts() {
        return manifest.rowCounts();
    }

    @Override
    public Optional<CanaryRow> canary() {
        return Optional.ofNullable(manifest.canary()).map(c -> new CanaryRow(c.token(), c.writtenAt()));
    }

    @Override
    public long plaintextBytes() {
        return manifest.rawBytes();
    }

    /** For a restore without a limit of its own (a sandbox's default applies): reads wait up to {@link Sandbox#RESTORE_LIMIT}. */
    @Override
    public InputStream open(StepRecorder steps) {
        return open(steps, Sandbox.RESTORE_LIMIT);
    }

    /** The object is fetched a few chunks ahead on a thread of its own ({@link ReadAhead}): no read waits past {@code within}. */
    @Override
    public InputStream open(StepRecorder steps, Duration within) {
        return new VerifiedStream(steps, within);
    }

    /**
     * The plaintext, read through the whole chain: storage → SHA-256 and byte count → age →
     * zstd. At the end it drains whatever of the object the decryptor did not ask for (normally
     * nothing), so the checksum always covers every stored byte, and compares with the manifest
     * before returning -1.
     */
    private final class VerifiedStream extends InputStream {
        private final StepRecorder steps;
        private final Duration within;
        private final long start = System.nanoTime();
        private InputStream object;
        private Timed fetch;
        private MessageDigest sha;
        private Hashing hashing;
        private Timed hashed;
        private Timed plain;
        private long plainBytes;
        private BackupReadException failure;
        private boolean ended;

        VerifiedStream(StepRecorder steps, Duration within) {
            this.steps = steps;
            this.within = within;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return -1;
            }
            try {
                if (plain == null) {
                    openChain();
                }
                int n = plain.read(b, off, len);
                if (n >= 0) {
                    plainBytes += n;
                    return n;
                }
                verifyAtEnd();
                ended = true;
                return -1;
            } catch (BackupReadException e) {
                throw fail(e);
            } catch (LifeboatException e) {
                // refused identity file (permissions, not an identity): a configuration problem on the drill host
                throw fail(new BackupReadException(new BackupUnavailableException(e.getMessage())));
            } catch (IOException e) {
                throw fail(classify(e));
            }
        }

        private BackupReadException fail(BackupReadException e) {
            failure = e;
            StoredBackup.close(object);
            return e;
        }

        private void openChain() throws IOException {
            // The request itself is made on the fetching thread: one that hangs before its first
            // byte is bounded by `within` too. Its StorageException reaches classify through a read.
            object = new ReadAhead(() -> reader.get(manifest.objectKey()), within, "lifeboat-fetch");
            fetch = new Timed(object);
            sha = sha256();
            hashing = new Hashing(fetch, sha);
            hashed = new Timed(hashing);
            plain = new Timed(new ZstdInputStream(AgeEncryption.decryptingStream(hashed, identityFile)));
        }

        /** A failed read: the storage's (ERRORED), or the backup's (FAILED: damaged object or wrong key). */
        private BackupReadException classify(IOException e) {
            Optional<StorageException> refused = causeOfType(e, StorageException.class);
            if (refused.isPresent()) {
                StorageException se = refused.get();
                steps.record("fetch", Outcome.ERRORED, since(start), se.getMessage());
                if (se.kind() == StorageException.Kind.NOT_FOUND) {
                    return new BackupReadException(new BackupDefectException("data object " + manifest.objectKey()
                            + " of backup " + manifest.backupId() + " is missing although its manifest exists"));
                }
                return new BackupReadException(new BackupUnavailableException("cannot read backup " + manifest.backupId()
                        + ": " + se.getMessage()));
            }
            Optional<FetchFailure> fetchFailure = causeOfType(e, FetchFailure.class);
            if (fetchFailure.isPresent()) {
                String why = fetchFailure.get().getMessage();
                steps.record("fetch", Outcome.ERRORED, Duration.ofNanos(fetch == null ? 0 : fetch.nanos), why);
                return new BackupReadException(new BackupUnavailableException("reading backup " + manifest.backupId()
                        + " from " + reader.describe() + " failed: " + why));
            }
            if (hashing == null) {
                return new BackupReadException(new BackupUnavailableException("cannot read backup " + manifest.backupId()
                        + ": " + e.getMessage()));
            }
            // Read what is left so the checksum can tell a damaged object from a wrong key.
            try {
                hashing.transferTo(OutputStream.nullOutputStream());
            } catch (FetchFailure f) {
                return classify(f);
            } catch (IOException | RuntimeException ignored) {
                // the checksum below then reports the object as shorter than the manifest says
            }
            try {
                verifyChecksum();
            } catch (BackupReadException mismatch) {
                return mismatch;
            }
            steps.record("decrypt", Outcome.FAILED, decryptTime(), e.getMessage());
            return new BackupReadException(new BackupDefectException("cannot decrypt or decompress backup "
                    + manifest.backupId() + " although its checksum matches: " + e.getMessage() + " (is " + identityFile
                    + " the identity whose public key the backup was encrypted to? recipients: "
                    + String.join(", ", manifest.recipients()) + ")"));
        }

        private void verifyAtEnd() throws IOException {
            // normally nothing is left; if something is, it is hashed and the sizes disagree below
            hashing.transferTo(OutputStream.nullOutputStream());
            verifyChecksum();
            if (plainBytes != manifest.rawBytes()) {
                steps.record("decrypt", Outcome.FAILED, decryptTime(), plainBytes + " bytes");
                throw new BackupReadException(new BackupDefectException("decrypted dump is " + plainBytes
                        + " bytes, manifest says " + manifest.rawBytes()));
            }
            steps.record("decrypt", Outcome.PASSED, decryptTime(), plainBytes + " bytes of " + manifest.dumpFormat());
        }

        /** Records fetch and verify; throws when the stored object is not the one the manifest describes. */
        private void verifyChecksum() throws BackupReadException {
            String actual = HexFormat.of().formatHex(sha.digest());
            Duration verifyTime = Duration.ofNanos(Math.max(0, hashed.nanos - fetch.nanos));
            steps.record("fetch", Outcome.PASSED, Duration.ofNanos(fetch.nanos), hashing.count + " bytes from "
                    + reader.describe());
            if (!actual.equals(manifest.sha256()) || hashing.count != manifest.storedBytes()) {
                steps.record("verify", Outcome.FAILED, verifyTime, "sha256 " + actual);
                throw new BackupReadException(new BackupDefectException("checksum mismatch: manifest says "
                        + abbreviate(manifest.sha256()) + " (" + manifest.storedBytes() + " bytes), object is "
                        + abbreviate(actual) + " (" + hashing.count + " bytes)"));
            }
            steps.record("verify", Outcome.PASSED, verifyTime, "sha256 matches the manifest");
        }

        private Duration decryptTime() {
            return Duration.ofNanos(plain == null ? 0 : Math.max(0, plain.nanos - hashed.nanos));
        }

        @Override
        public void close() {
            StoredBackup.close(object);
        }
    }

    /** The decryptor and decompressor may wrap what was thrown below them: look down the causes. */
    private static <T extends Throwable> Optional<T> causeOfType(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static String abbreviate(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) + "…" : hex;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void close(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // the outcome is decided by what was read
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Time spent inside reads of the wrapped stream, including the layers below it. */
    private static final class Timed extends FilterInputStream {
        long nanos;

        Timed(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            long t = System.nanoTime();
            try {
                return in.read();
            } finally {
                nanos += System.nanoTime() - t;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long t = System.nanoTime();
            try {
                return in.read(b, off, len);
            } finally {
                nanos += System.nanoTime() - t;
            }
        }
    }

    /**
     * Hashes and counts the stored bytes. Failures of the storage read are marked, so that a
     * network error is not mistaken for a damaged backup.
     */
    private static final class Hashing extends FilterInputStream {
        private final MessageDigest sha;
        long count;

        Hashing(InputStream in, MessageDigest sha) {
            super(in);
            this.sha = sha;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw new FetchFailure(e);
            }
            if (n > 0) {
                sha.update(b, off, n);
                count += n;
            }
            return n;
        }
    }

    /** The storage read itself failed (network, server): the drill ERRORED, the backup is not judged. */
    private static final class FetchFailure extends IOException {
        FetchFailure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
