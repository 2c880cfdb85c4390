package io.lifeboat.storage.s3;

import io.lifeboat.config.TargetConfig.ChecksumMode;
import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageException.Kind;
import io.lifeboat.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One streaming upload to S3: lifeboat's own multipart loop, so memory stays at
 * {@code MAX_PARTS_IN_FLIGHT + 1} part buffers whatever the object's size (the SDK's transfer
 * helpers either need the length up front or buffer more). See
 * {@link S3StorageTarget#startUpload} for the contract.
 */
final class S3Upload implements ObjectUpload {

    private static final Logger log = LoggerFactory.getLogger(S3Upload.class);
    private static final byte[] EMPTY = new byte[0];
    /** How long an abort waits for parts still being sent before it aborts the upload anyway. */
    private static final long PART_DRAIN_SECONDS = 2L * S3StorageTarget.SOCKET_TIMEOUT_SECONDS;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private enum State { WRITING, COMPLETED, FAILED, ABORTED }

    private final S3StorageTarget target;
    private final String key;
    private final String location;
    private final PutOptions options;
    private final PartBuffers buffers;
    private final UploadStream stream = new UploadStream();
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    /** The first part failure, set by a part thread and acted on by the writer. */
    private final AtomicReference<StorageException> partFailure = new AtomicReference<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();

    // Volatile: abort() may run on another thread (the JVM's shutdown hook on SIGTERM) while the
    // writer is mid-part; it must see the upload id the writer created.
    private volatile ExecutorService partSender;
    private volatile String uploadId;
    private byte[] current;
    private int filled;
    private long size;
    private volatile State state = State.WRITING;
    private StorageException failure;

    S3Upload(S3StorageTarget target, String key, PutOptions options) {
        this.target = target;
        this.key = key;
        this.location = target.location(key);
        this.options = options;
        this.buffers = new PartBuffers(target.partSize, S3StorageTarget.MAX_PARTS_IN_FLIGHT + 1);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public StoredObject complete() {
        if (state == State.COMPLETED) throw new IllegalStateException("upload of " + location + " is already complete");
        if (failure != null) throw failure;
        if (state == State.ABORTED) throw new StorageException(Kind.FAILED, "upload of " + location + " was aborted");
        try {
            checkParts();
            if (uploadId == null) {
                // It all fit in the first buffer: one request, no multipart upload to clean up.
                StoredObject stored = target.putObject(key, current == null ? EMPTY : current, filled, options);
                finish(State.COMPLETED);
                return stored;
            }
            if (filled > 0) sendPart();
            List<CompletedPart> completed = new ArrayList<>(parts.size());
            for (Future<CompletedPart> part : parts) {
                completed.add(await(part));
            }
            CompleteMultipartUploadResponse response = target.client.completeMultipartUpload(r -> r
                    .bucket(target.bucket).key(target.fullKey(key)).uploadId(uploadId)
                    .ifNoneMatch("*")
                    .multipartUpload(m -> m.parts(completed)));
            finish(State.COMPLETED);
            return new StoredObject(key, size, S3StorageTarget.nullToEmpty(response.versionId()));
        } catch (StorageException e) {
            throw fail(e);
        } catch (SdkException e) {
            throw fail(S3Errors.map("complete upload of", location, target.endpoint, e));
        }
    }

    /**
     * Aborts: waits for parts still being sent (so none lands after the abort), then sends
     * AbortMultipartUpload. Its failure is logged, not thrown: the upload stays invisible, and a
     * bucket lifecycle rule (AbortIncompleteMultipartUpload) removes its parts eventually.
     */
    @Override
    public void abort() {
        if (!leaveWriting(State.ABORTED)) return;
        abortRemote(null);
    }

    /** Moves from WRITING to {@code end}; false if another thread ended the upload first. */
    private synchronized boolean leaveWriting(State end) {
        if (state != State.WRITING) return false;
        state = end;
        return true;
    }

    @Override
    public void close() {
        abort();
    }

    /** The most part buffers that existed at once. */
    int peakBuffers() {
        return buffers.peak();
    }

    /** How often the writer waited for a part buffer. */
    int bufferWaits() {
        return buffers.waits();
    }

    /** The most parts that were being sent at once. */
    int peakPartsInFlight() {
        return peakInFlight.get();
    }

    private void write(byte[] b, int off, int len) throws IOException {
        ensureWritable();
        while (len > 0) {
            if (current == null) {
                current = takeBuffer();
            } else if (filled == current.length) {
                // Sent only once more bytes arrive, so an object of exactly one part is one PutObject.
                sendPart();
                current = takeBuffer();
            }
            int n = Math.min(len, current.length - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            size += n;
        }
    }

    private void ensureWritable() throws IOException {
        if (failure != null) throw failure;
        if (state != State.WRITING) throw new IOException("upload of " + location + " is " + state.name().toLowerCase());
        if (stream.closed) throw new IOException("stream of the upload of " + location + " is closed");
        checkParts();
    }

    /** A part thread's failure becomes the upload's (aborting it) at the writer's next step. */
    private void checkParts() {
        StorageException partError = partFailure.get();
        if (partError != null) throw fail(partError);
    }

    private byte[] takeBuffer() {
        byte[] buffer;
        try {
            buffer = buffers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(new StorageException(Kind.FAILED, "interrupted while uploading " + location, e));
        }
        if (partFailure.get() != null) {
            buffers.release(buffer);
            checkParts();
        }
        return buffer;
    }

    /** Hands the current buffer to a part thread; starts the multipart upload on the first part. */
    private void sendPart() {
        if (uploadId == null) {
            // Under the monitor abort() takes: an abort arriving while the upload is being
            // created (SIGTERM, whose hook must finish before the JVM halts) waits for the id
            // and then aborts it, instead of missing an upload the server already holds.
            synchronized (this) {
                if (state != State.WRITING) {
                    throw new StorageException(Kind.FAILED, "upload of " + location + " was aborted");
                }
                uploadId = createMultipartUpload();
            }
            partSender = Executors.newFixedThreadPool(S3StorageTarget.MAX_PARTS_IN_FLIGHT, runnable -> {
                Thread thread = new Thread(runnable, "lifeboat-s3-part-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
        int number = parts.size() + 1;
        if (number > S3StorageTarget.MAX_PARTS) {
            throw fail(new StorageException(Kind.FAILED, location + " would need more than " + S3StorageTarget.MAX_PARTS
                    + " parts of " + target.partSize + " bytes (S3's limit): raise the target's part size"));
        }
        byte[] buffer = current;
        int length = filled;
        current = null;
        filled = 0;
        parts.add(partSender.submit(() -> uploadPart(number, buffer, length)));
    }

    private String createMultipartUpload() {
        CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder()
                .bucket(target.bucket)
                .key(target.fullKey(key));
        if (options.contentType() != null) request.contentType(options.contentType());
        options.lockMode().ifPresent(mode -> request.objectLockMode(mode).objectLockRetainUntilDate(options.retainUntil().orElseThrow()));
        if (target.checksum == ChecksumMode.SHA256) request.checksumAlgorithm(ChecksumAlgorithm.SHA256);
        try {
            return target.client.createMultipartUpload(request.build()).uploadId();
        } catch (SdkException e) {
            throw fail(S3Errors.map("start upload of", location, target.endpoint, e));
        }
    }

    /** Runs on a part thread; always gives the buffer back so a waiting writer wakes up. */
    private CompletedPart uploadPart(int number, byte[] buffer, int length) {
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        try {
            StorageException earlier = partFailure.get();
            if (earlier != null) throw earlier; // the upload is lost anyway: do not send more
            target.beforePart.accept(number);
            UploadPartRequest.Builder request = UploadPartRequest.builder()
                    .bucket(target.bucket).key(target.fullKey(key)).uploadId(uploadId)
                    .partNumber(number).contentLength((long) length);
            String sha256 = null;
            if (target.checksum == ChecksumMode.SHA256) {
                // Computed here, not left to the SDK, so the same value goes into CompleteMultipartUpload
                // whether or not the server echoes it.
                sha256 = S3StorageTarget.sha256(buffer, length);
                request.checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(sha256);
            } else if (options.lockMode().isPresent()) {
                request.contentMD5(S3StorageTarget.md5(buffer, length));
            }
            UploadPartResponse response = target.client.uploadPart(request.build(), S3StorageTarget.body(buffer, length));
            return CompletedPart.builder().partNumber(number).eTag(response.eTag()).checksumSHA256(sha256).build();
        } catch (RuntimeException e) {
            StorageException mapped = S3Errors.map("upload part " + number + " of", location, target.endpoint, e);
            partFailure.compareAndSet(null, mapped);
            throw mapped;
        } finally {
            inFlight.decrementAndGet();
            buffers.release(buffer);
        }
    }

    private CompletedPart await(Future<CompletedPart> part) {
        try {
            return part.get();
        } catch (ExecutionException e) {
            // uploadPart records every exception before throwing it; only an Error arrives unrecorded.
            StorageException first = partFailure.get();
            throw first != null ? first
                    : new StorageException(Kind.FAILED, "uploading a part of " + location + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(Kind.FAILED, "interrupted while uploading " + location, e);
        }
    }

    /** Records the failure, aborts the upload, and returns the failure for the caller to throw. */
    private StorageException fail(StorageException e) {
        if (failure == null) {
            failure = e;
            if (leaveWriting(State.FAILED)) {
                abortRemote(e);
            }
        }
        return failure;
    }

    private void abortRemote(StorageException original) {
        // An interrupted thread (a scheduler shutting down) still cleans up: the SDK refuses to
        // send anything while the flag is set, so clear it for the abort and set it again after.
        boolean interrupted = Thread.interrupted();
        try {
            if (partSender != null) {
                partSender.shutdownNow();
                if (!partSender.awaitTermination(PART_DRAIN_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("parts of {} were still being sent after {} s; aborting the upload anyway", location, PART_DRAIN_SECONDS);
                }
            }
            if (uploadId != null) {
                target.client.abortMultipartUpload(r -> r.bucket(target.bucket).key(target.fullKey(key)).uploadId(uploadId));
            }
        } catch (InterruptedException e) {
            interrupted = true;
            log.warn("interrupted while aborting the upload of {}; a lifecycle rule (AbortIncompleteMultipartUpload) removes its parts", location);
        } catch (RuntimeException e) {
            StorageException abortFailure = S3Errors.map("abort upload " + uploadId + " of", location, target.endpoint, e);
            log.warn("{}; the incomplete upload is invisible and a lifecycle rule (AbortIncompleteMultipartUpload) removes it",
                    abortFailure.getMessage());
            if (original != null) original.addSuppressed(abortFailure);
        } finally {
            finish(state);
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void finish(State end) {
        state = end;
        if (partSender != null) partSender.shutdown();
        current = null;
        buffers.clear();
    }

    /** Closing ends the writing (compressors close their sink when they finish); it publishes nothing. */
    private final class UploadStream extends OutputStream {
        private boolean closed;
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            S3Upload.this.write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            S3Upload.this.write(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
