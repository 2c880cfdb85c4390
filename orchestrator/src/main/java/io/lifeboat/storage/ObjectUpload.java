package io.lifeboat.storage;

import java.io.OutputStream;

/**
 * A streaming upload in progress. Write everything to {@link #stream()}, then call
 * {@link #complete()}. Until completion nothing is visible under the key; {@link #abort()}
 * discards what was sent (for S3: AbortMultipartUpload, the one removal lifeboat performs, and
 * only of an upload that never became an object).
 *
 * <p>Closing without completing aborts, so try-with-resources never leaves a half-written
 * object looking complete.
 */
public interface ObjectUpload extends AutoCloseable {

    /** Where the object's bytes go. Writes may block while earlier parts are in flight. */
    OutputStream stream();

    /** Finishes the upload; fails with ALREADY_EXISTS if the key was taken meanwhile. */
    StoredObject complete();

    /** Discards the upload. Safe to call more than once and after a failure. */
    void abort();

    /** Aborts unless {@link #complete()} succeeded. */
    @Override
    void close();
}
