package io.lifeboat.drill;

import com.github.luben.zstd.ZstdInputStream;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.Manifest;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.StepRecorder;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageTarget;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * A backup in a target, as a drill restores it: read with the reader credential, SHA-256
 * checked against the manifest, decrypted with the drill host's identity and decompressed into
 * the drill's private file, in one streaming pass.
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
    public void materialize(Path file, StepRecorder steps) throws BackupDefectException, BackupUnavailableException {
        long start = System.nanoTime();
        InputStream object;
        try {
            object = reader.get(manifest.objectKey());
        } catch (StorageException e) {
            steps.record("fetch", Outcome.ERRORED, since(start), e.getMessage());
            if (e.kind() == StorageException.Kind.NOT_FOUND) {
                throw new BackupDefectException("data object " + manifest.objectKey() + " of backup " + manifest.backupId()
                        + " is missing although its manifest exists");
            }
            throw new BackupUnavailableException("cannot read backup " + manifest.backupId() + ": " + e.getMessage());
        }
        Timed fetch = new Timed(object);
        MessageDigest sha = sha256();
        Hashing hashing = new Hashing(fetch, sha);
        Timed hashed = new Timed(hashing);
        Timed plain = null;
        IOException decryptFailure = null;
        long plainBytes = 0;
        // The runner created the file (0600); write into it. A write failure (disk full) is
        // lifeboat's problem, not the backup's, and is kept apart from decryption failures.
        try (OutputStream out = new LocalWrites(Files.newOutputStream(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.CREATE))) {
            plain = new Timed(new ZstdInputStream(AgeEncryption.decryptingStream(hashed, identityFile)));
            plainBytes = plain.transferTo(out);
        } catch (LifeboatException e) {
            close(object);
            // Refused identity file (permissions, not an identity): a configuration problem on the drill host.
            throw new BackupUnavailableException(e.getMessage());
        } catch (IOException e) {
            Optional<FetchFailure> fetchFailure = causeOfType(e, FetchFailure.class);
            Optional<LocalWriteFailure> writeFailure = causeOfType(e, LocalWriteFailure.class);
            if (fetchFailure.isPresent() || writeFailure.isPresent()) {
                close(object);
                String why = fetchFailure.map(Throwable::getMessage).orElseGet(() -> "cannot write the plaintext dump to "
                        + file + ": " + writeFailure.get().getMessage());
                steps.record(fetchFailure.isPresent() ? "fetch" : "decrypt", Outcome.ERRORED, Duration.ofNanos(fetch.nanos), why);
                throw new BackupUnavailableException("reading backup " + manifest.backupId() + " from " + reader.describe()
                        + " failed: " + why);
            }
            decryptFailure = e;
            // Read what is left so the checksum can tell a damaged object from a wrong key.
            try {
                hashing.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException ignored) {
                // the checksum below then reports the object as shorter than the manifest says
            }
        } finally {
            close(object);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        Duration fetchTime = Duration.ofNanos(fetch.nanos);
        Duration verifyTime = Duration.ofNanos(Math.max(0, hashed.nanos - fetch.nanos));
        steps.record("fetch", Outcome.PASSED, fetchTime, hashing.count + " bytes from " + reader.describe());
        if (!actual.equals(manifest.sha256()) || hashing.count != manifest.storedBytes()) {
            steps.record("verify", Outcome.FAILED, verifyTime, "sha256 " + actual);
            throw new BackupDefectException("checksum mismatch: manifest says " + abbreviate(manifest.sha256()) + " ("
                    + manifest.storedBytes() + " bytes), object is " + abbreviate(actual) + " (" + hashing.count + " bytes)");
        }
        steps.record("verify", Outcome.PASSED, verifyTime, "sha256 matches the manifest");
        Duration decryptTime = Duration.ofNanos(plain == null ? 0 : Math.max(0, plain.nanos - hashed.nanos));
        if (decryptFailure != null) {
            steps.record("decrypt", Outcome.FAILED, decryptTime, decryptFailure.getMessage());
            throw new BackupDefectException("cannot decrypt or decompress backup " + manifest.backupId() + " although its checksum"
                    + " matches: " + decryptFailure.getMessage() + " (is " + identityFile + " the identity whose public key "
                    + "the backup was encrypted to? recipients: " + String.join(", ", manifest.recipients()) + ")");
        }
        if (plainBytes != manifest.rawBytes()) {
            steps.record("decrypt", Outcome.FAILED, decryptTime, plainBytes + " bytes");
            throw new BackupDefectException("decrypted dump is " + plainBytes + " bytes, manifest says " + manifest.rawBytes());
        }
        steps.record("decrypt", Outcome.PASSED, decryptTime, plainBytes + " bytes of " + manifest.dumpFormat());
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

    /** Marks failures of writing the local file. */
    private static final class LocalWrites extends java.io.FilterOutputStream {
        LocalWrites(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new LocalWriteFailure(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } catch (IOException e) {
                throw new LocalWriteFailure(e);
            }
        }
    }

    private static final class LocalWriteFailure extends IOException {
        LocalWriteFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static String abbreviate(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) + "…" : hex;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void close(InputStream in) {
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
