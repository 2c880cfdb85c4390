package io.lifeboat.storage;

/**
 * A completed write.
 *
 * @param key       key relative to the target's prefix
 * @param size      bytes stored
 * @param versionId the store's version id where it has versioning, else empty string
 */
public record StoredObject(String key, long size, String versionId) {
}
