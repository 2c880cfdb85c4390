package io.lifeboat.backup;

import com.github.luben.zstd.ZstdInputStream;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.storage.StorageTarget;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads a stored backup back as the dump it was made from: {@code get → SHA-256 → age -d →
 * zstd -d}, streaming, with the reader's credentials. The SHA-256 of the stored bytes is
 * compared with the manifest once the stream is exhausted: a mismatch is a failure even when
 * decryption happened to succeed, because the object is not the one that was written.
 */
public final class BackupReader {

    private BackupReader() {
    }

    /**
     * Opens the plaintext dump of {@code manifest}'s object. Read it to the end, then call
     * {@link VerifiedDump#verify()}; closing releases the connection.
     */
    public static VerifiedDump open(StorageTarget reader, Manifest manifest, Path identityFile) {
        InputStream stored = reader.get(manifest.objectKey());
        MessageDigest sha = sha256();
        CountingInputStream counted = new CountingInputStream(new DigestInputStream(stored, sha));
        try {
            InputStream plain = new ZstdInputStream(AgeEncryption.decryptingStream(counted, identityFile));
            return new VerifiedDump(plain, manifest, sha, counted);
        } catch (IOException e) {
            closeQuietly(stored);
            throw new LifeboatException(ExitCode.FAILED, "backup " + manifest.backupId() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(stored);
            throw e;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plaintext dump plus the check of what was read against the manifest. */
    public static final class VerifiedDump extends FilterInputStream {
        private final Manifest manifest;
        private final MessageDigest sha;
        private final CountingInputStream stored;

        VerifiedDump(InputStream plain, Manifest manifest, MessageDigest sha, CountingInputStream stored) {
            super(plain);
            this.manifest = manifest;
            this.sha = sha;
            this.stored = stored;
        }

        /**
         * Drains whatever the decompressor left unread (age's final chunk, padding), then
         * compares size and SHA-256 of the stored bytes with the manifest.
         *
         * @throws ChecksumMismatchException naming both digests
         */
        public void verify() throws IOException {
            stored.transferTo(java.io.OutputStream.nullOutputStream());
            String actual = HexFormat.of().formatHex(sha.digest());
            if (stored.count() != manifest.storedBytes() || !actual.equals(manifest.sha256())) {
                throw new ChecksumMismatchException("checksum mismatch for backup " + manifest.backupId()
                        + ": manifest says " + manifest.sha256() + " (" + manifest.storedBytes() + " bytes), object is "
                        + actual + " (" + stored.count() + " bytes)");
            }
        }

        public long storedBytesRead() {
            return stored.count();
        }
    }

    /** The stored object is not what the manifest describes. */
    public static final class ChecksumMismatchException extends IOException {
        public ChecksumMismatchException(String message) {
            super(message);
        }
    }

    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }

}
