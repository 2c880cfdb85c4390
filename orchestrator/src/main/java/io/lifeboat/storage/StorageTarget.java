package io.lifeboat.storage;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where backups are stored, seen through one credential. Deliberately has no delete and no
 * overwrite: lifeboat never removes or replaces a stored backup; expiry belongs to the bucket's
 * lifecycle rule after Object Lock retention. A test scans main code for S3 delete calls.
 *
 * <p>Keys are relative to the target's prefix and use {@code /} separators.
 *
 * <p>Errors are {@link StorageException}s whose {@link StorageException.Kind} says whether the
 * object exists already, is missing, access was denied, or the target could not be reached.
 * Implementations retry transient network errors themselves; a thrown exception is final.
 */
public interface StorageTarget extends AutoCloseable {

    /** Human-readable location, e.g. {@code s3://bucket/prefix}; never contains credentials. */
    String describe();

    /**
     * Starts a streaming upload of unknown length. Nothing is visible under {@code key} until
     * {@link ObjectUpload#complete()} succeeds; completing fails with
     * {@link StorageException.Kind#ALREADY_EXISTS} if the key exists by then. Memory use is
     * bounded whatever the length.
     */
    ObjectUpload startUpload(String key, PutOptions options);

    /**
     * Stores a small object in one request, only if the key does not exist yet
     * ({@code If-None-Match: *}). Used for manifests.
     */
    StoredObject putIfAbsent(String key, byte[] content, PutOptions options);

    /** Opens an object for reading. The caller closes the stream. NOT_FOUND if absent. */
    InputStream get(String key);

    /** Size and time of an object, or empty if there is none. */
    Optional<ObjectInfo> stat(String key);

    /** Every object whose key starts with {@code prefix}, in key order. Incomplete uploads are not objects. */
    List<ObjectInfo> list(String prefix);

    /** Releases clients and threads. Aborts nothing that is complete. */
    @Override
    void close();
}
