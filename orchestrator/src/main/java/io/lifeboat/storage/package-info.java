/**
 * The storage seam: {@link io.lifeboat.storage.StorageTarget} (put, get, list, stat; no delete)
 * and its implementations, one sub-package each: {@code file} for trials and {@code s3} for the
 * backup account. {@link io.lifeboat.storage.StorageTargets} opens one from configuration.
 */
package io.lifeboat.storage;
