/**
 * The S3 storage target (AWS, Ceph RGW, other S3-compatible servers): a synchronous SDK client,
 * lifeboat's own bounded-memory multipart loop, {@code If-None-Match: *} on every write, and the
 * mapping of S3 errors to {@link io.lifeboat.storage.StorageException.Kind}. With
 * {@code credentials}, the only package that imports the AWS SDK.
 */
package io.lifeboat.storage.s3;
