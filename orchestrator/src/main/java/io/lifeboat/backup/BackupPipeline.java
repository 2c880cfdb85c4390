package io.lifeboat.backup;

import com.github.luben.zstd.ZstdOutputStream;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.CompressionConfig;
import io.lifeboat.config.ObjectLockConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.engine.DatabaseEngine;
import io.lifeboat.engine.DumpInfo;
import io.lifeboat.engine.DumpSession;
import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.StoredObject;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One backup: {@code dump → zstd → age → SHA-256 → streaming upload}, then the manifest.
 *
 * <p>Memory stays bounded whatever the database size: bytes flow through fixed buffers, and the
 * upload holds a bounded number of parts. There is no temporary file of the dump.
 *
 * <p>Nothing half-written ever looks complete: if the dump tool fails or is killed, or the
 * upload fails, the upload is aborted, no manifest is written, and the failure is thrown with
 * the tool's stderr or the storage error. The manifest is written last, and only if the data
 * object completed; both writes refuse to replace an existing key.
 */
public final class BackupPipeline {

    static final int BUFFER_SIZE = 1 << 20;
    private static final long PROGRESS_EVERY = 8L << 20;

    private final DatabaseEngine engine;
    private final StorageTarget target;
    private final List<String> recipients;
    private final CompressionConfig compression;
    private final Optional<ObjectLockConfig> objectLock;
    private final Clock clock;

    public BackupPipeline(DatabaseEngine engine, StorageTarget target, List<String> recipients, CompressionConfig compression,
                          Optional<ObjectLockConfig> objectLock, Clock clock) {
        this.engine = engine;
        this.target = target;
        this.recipients = List.copyOf(recipients);
        this.compression = compression;
        this.objectLock = objectLock;
        this.clock = clock;
    }

    public BackupResult run(SourceConfig source, Progress progress) {
        Instant started = clock.instant();
        BackupId id = BackupId.newId(started);
        String dataKey = BackupKeys.dataKey(source.name(), id);
        String manifestKey = BackupKeys.manifestKey(source.name(), id);
        Optional<Manifest.ObjectLock> lock = objectLock.map(l ->
                new Manifest.ObjectLock(l.mode().name(), started.plus(l.retainDays(), ChronoUnit.DAYS)));
        PutOptions dataOptions = putOptions("application/octet-stream", lock);

        MessageDigest sha256 = sha256();
        long raw = 0;
        DumpInfo info;
        StoredObject stored;
        CountingOutputStream compressedCount;
        CountingOutputStream storedCount;
        try (DumpSession dump = engine.startDump(source);
             ObjectUpload upload = target.startUpload(dataKey, dataOptions);
             AbortOnShutdown ignored = new AbortOnShutdown(upload)) {
            storedCount = new CountingOutputStream(new KeepOpen(upload.stream()));
            OutputStream encrypted = AgeEncryption.encryptingStream(new DigestOutputStream(storedCount, sha256), recipients);
            compressedCount = new CountingOutputStream(encrypted);
            ZstdOutputStream zstd = new ZstdOutputStream(compressedCount, compression.level());
            // Workers compress while this thread reads (and counts) the next input: see CompressionConfig.
            zstd.setWorkers(compression.threads());
            boolean closed = false;
            try {
                InputStream in = dump.stream();
                byte[] buf = new byte[BUFFER_SIZE];
                long nextProgress = PROGRESS_EVERY;
                int n;
                while ((n = in.read(buf)) > 0) {
                    zstd.write(buf, 0, n);
                    raw += n;
                    if (raw >= nextProgress) {
                        progress.update(raw, storedCount.count());
                        nextProgress = raw + PROGRESS_EVERY;
                    }
                }
                // The dump is good only if the tool exited 0: check before anything is completed.
                info = dump.finish();
                zstd.close(); // final zstd frame, final age chunk
                closed = true;
                stored = upload.complete();
            } finally {
                if (!closed) {
                    closeAfterFailure(zstd);
                }
            }
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.FAILED, "backup of source " + source.name() + " failed while streaming to "
                    + target.describe() + ": " + e.getMessage(), e);
        }
        if (stored.size() != storedCount.count()) {
            throw new LifeboatException(ExitCode.FAILED, "backup of source " + source.name() + ": the target reports "
                    + stored.size() + " bytes stored for " + dataKey + " but " + storedCount.count()
                    + " were sent; no manifest written, the backup stays incomplete");
        }
        progress.update(raw, storedCount.count());
        Instant finished = clock.instant();
        Manifest manifest = new Manifest(Manifest.VERSION, id.toString(), source.name(), engine.name(),
                info.serverVersion(), info.format(), info.toolVersions(), started, finished, dataKey,
                raw, compressedCount.count(), storedCount.count(), HexFormat.of().formatHex(sha256.digest()),
                "zstd-" + compression.level(), "age-x25519", recipients, info.rowCounts(), lock.orElse(null),
                info.canary().map(c -> new Manifest.Canary(c.token(), c.writtenAt())).orElse(null), Version.current());
        target.putIfAbsent(manifestKey, ManifestCodec.toJson(manifest), putOptions("application/json", lock));
        return new BackupResult(manifest, manifestKey, target.describe(), Duration.between(started, finished));
    }

    private static PutOptions putOptions(String contentType, Optional<Manifest.ObjectLock> lock) {
        return new PutOptions(contentType, lock.map(Manifest.ObjectLock::mode), lock.map(Manifest.ObjectLock::retainUntil));
    }

    private static void closeAfterFailure(ZstdOutputStream zstd) {
        try {
            zstd.close(); // frees native memory; what it flushes goes to an upload being aborted
        } catch (IOException | RuntimeException ignored) {
            // the original failure is the one to report
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Completion is the upload's decision, not a side effect of closing the encryption stream. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /**
     * SIGTERM (systemd stop, a timeout in cron's wrapper) runs shutdown hooks: abort the upload
     * there so the store is not left holding parts of a backup that will never complete.
     */
    private static final class AbortOnShutdown implements AutoCloseable {
        private final Thread hook;

        AbortOnShutdown(ObjectUpload upload) {
            this.hook = new Thread(upload::abort, "lifeboat-abort-upload");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or ran: nothing to undo
            }
        }
    }
}
