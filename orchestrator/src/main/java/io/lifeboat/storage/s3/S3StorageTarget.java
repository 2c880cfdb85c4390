package io.lifeboat.storage.s3;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.config.TargetConfig.ChecksumMode;
import io.lifeboat.credentials.AwsCredentials;
import io.lifeboat.credentials.LazyTrustManagers;
import io.lifeboat.credentials.Side;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageKeys;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.StoredObject;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * An S3 target ({@code s3://bucket/prefix}) on AWS or any S3-compatible server, through the
 * synchronous SDK client on {@code java.net.HttpURLConnection}.
 *
 * <p>Writes never replace: {@code PutObject} and {@code CompleteMultipartUpload} carry
 * {@code If-None-Match: *}, so an existing key fails with ALREADY_EXISTS (HTTP 412). Object Lock
 * mode and retain-until go on the object when {@link PutOptions} carry them.
 *
 * <p>Retries: every request is retried by the SDK's standard strategy (3 attempts, exponential
 * backoff with jitter) on network errors, throttling and 5xx; connecting times out after
 * {@value #CONNECT_TIMEOUT_SECONDS} s and reading after {@value #SOCKET_TIMEOUT_SECONDS} s. A
 * {@link StorageException} thrown here is after those retries. Uploads are never partial: a
 * failed streaming upload is aborted and nothing appears under its key.
 *
 * <p>One ambiguity S3 leaves open: when a write's response is lost and the SDK retries it, the
 * retry can meet the object that very write stored and report ALREADY_EXISTS. A write-only
 * credential cannot look to tell the two apart, so ALREADY_EXISTS means "the key is taken" and
 * callers write under a new key rather than assume their own data is missing.
 */
public final class S3StorageTarget implements StorageTarget {

    /** S3's smallest part size (except the last part). */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** Memory use is about three parts, so larger parts are more likely a typo than a plan. */
    static final long MAX_PART_SIZE = 1024L * 1024 * 1024;
    /** S3's limit on parts per upload. */
    static final int MAX_PARTS = 10_000;
    /** Parts sent at once; with the one being filled, {@code MAX_PARTS_IN_FLIGHT + 1} buffers exist. */
    static final int MAX_PARTS_IN_FLIGHT = 2;
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int SOCKET_TIMEOUT_SECONDS = 60;

    final S3Client client;
    final String bucket;
    final String prefix;
    final ChecksumMode checksum;
    final int partSize;
    final String endpoint;
    private final AwsCredentialsProvider credentials;
    private final boolean ownsCredentials;

    /** Called on a part-upload thread before each part is sent; tests use it to slow parts down. */
    volatile IntConsumer beforePart = partNumber -> { };
    /** Keys per ListObjectsV2 page; S3's maximum, lowered by tests to exercise paging. */
    int listPageSize = 1000;

    /**
     * Opens the target with the credential {@code credentials} (the writer's or the reader's, as
     * {@code side} says: an assumed role's session policy depends on it).
     *
     * @throws LifeboatException exit code 2 if the credential or the target configuration is bad
     */
    public static S3StorageTarget open(TargetConfig config, CredentialsConfig credentials, Side side) {
        return new S3StorageTarget(config, AwsCredentials.provider(credentials, config, side), true);
    }

    /** A target using the source credential {@code credentials} as it is, without assuming a role it may name. */
    public static S3StorageTarget open(TargetConfig config, CredentialsConfig credentials) {
        return new S3StorageTarget(config, AwsCredentials.provider(credentials), true);
    }

    /** A target using {@code credentials}, which stays the caller's to close. */
    public S3StorageTarget(TargetConfig config, AwsCredentialsProvider credentials) {
        this(config, credentials, false);
    }

    private S3StorageTarget(TargetConfig config, AwsCredentialsProvider credentials, boolean ownsCredentials) {
        if (config.kind() != TargetConfig.Kind.S3 || config.bucket() == null || config.bucket().isEmpty()) {
            throw usage(config, config.url() + " is not an s3://bucket/prefix URL");
        }
        if (config.partSizeBytes() < MIN_PART_SIZE || config.partSizeBytes() > MAX_PART_SIZE) {
            throw usage(config, "part size " + config.partSizeBytes() + " bytes is outside " + MIN_PART_SIZE + " (5 MiB, the S3 minimum) to "
                    + MAX_PART_SIZE + " (1 GiB; memory use is about three parts)");
        }
        this.bucket = config.bucket();
        this.prefix = config.prefix();
        this.checksum = config.checksum();
        this.partSize = (int) config.partSizeBytes();
        this.endpoint = config.endpoint().map(S3StorageTarget::withoutUserInfo).orElse("AWS S3");
        this.credentials = credentials;
        this.ownsCredentials = ownsCredentials;
        this.client = buildClient(config, credentials);
    }

    private static S3Client buildClient(TargetConfig config, AwsCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(LazyTrustManagers.urlConnectionClient(Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS),
                        Duration.ofSeconds(SOCKET_TIMEOUT_SECONDS)))
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyle())
                // Every body lifeboat sends is an array in memory, so the SDK can sign or hash it
                // up front. Streaming "aws-chunked" bodies raced with S3Proxy (about 1 request in
                // 100): the server answered and closed before reading the final chunk, the write
                // failed, and the retry of a put that had in fact been stored met If-None-Match.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
        config.endpoint().ifPresent(builder::endpointOverride);
        // Custom endpoints (Ceph RGW, MinIO, loopback servers) rarely care about the region, but
        // the signature needs one; AWS itself needs the real one (or the SDK's default chain).
        config.region().map(Region::of)
                .or(() -> config.endpoint().map(e -> Region.US_EAST_1))
                .ifPresent(builder::region);
        if (config.checksum() == ChecksumMode.OFF) {
            // Since 2.30 the SDK adds CRC32 trailers to every upload; Ceph RGW 16 rejects them
            // (400 XAmzContentSHA256Mismatch). Send and check checksums only where S3 demands them.
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        try {
            return builder.build();
        } catch (SdkException e) {
            throw usage(config, "could not set up the S3 client: " + e.getMessage() + " (set region: for AWS targets)");
        }
    }

    @Override
    public String describe() {
        String url = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        return endpoint.equals("AWS S3") ? url : url + " at " + endpoint;
    }

    /**
     * Starts a streaming multipart upload; nothing is sent until a whole part is buffered, and an
     * upload that ends within its first part is sent as one {@code PutObject}. Up to
     * {@value #MAX_PARTS_IN_FLIGHT} parts are sent at once while the writer fills the next; the
     * writer blocks when all three buffers are busy. A failed part makes the next write (or
     * {@link ObjectUpload#complete()}) abort the upload and throw its {@link StorageException}
     * (unchecked, also from {@code write}). Closing the stream ends the writing but neither
     * completes nor aborts. One thread writes, completes and aborts.
     */
    @Override
    public ObjectUpload startUpload(String key, PutOptions options) {
        return new S3Upload(this, StorageKeys.requireValid(key), options);
    }

    @Override
    public StoredObject putIfAbsent(String key, byte[] content, PutOptions options) {
        return putObject(StorageKeys.requireValid(key), content, content.length, options);
    }

    /** Sends {@code data[0..length)} as one object, unless the key exists. */
    StoredObject putObject(String key, byte[] data, int length, PutOptions options) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(fullKey(key))
                .ifNoneMatch("*")
                .contentLength((long) length);
        if (options.contentType() != null) request.contentType(options.contentType());
        options.lockMode().ifPresent(mode -> request.objectLockMode(mode).objectLockRetainUntilDate(options.retainUntil().orElseThrow()));
        if (checksum == ChecksumMode.SHA256) {
            request.checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(sha256(data, length));
        } else if (options.lockMode().isPresent()) {
            // S3 requires an integrity header on writes with Object Lock; with SDK checksums off,
            // Content-MD5 is the one every server understands.
            request.contentMD5(md5(data, length));
        }
        try {
            PutObjectResponse response = client.putObject(request.build(), body(data, length));
            return new StoredObject(key, length, nullToEmpty(response.versionId()));
        } catch (SdkException e) {
            throw S3Errors.map("put", location(key), endpoint, e);
        }
    }

    @Override
    public InputStream get(String key) {
        try {
            return client.getObject(r -> r.bucket(bucket).key(fullKey(StorageKeys.requireValid(key))));
        } catch (SdkException e) {
            throw S3Errors.map("get", location(key), endpoint, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        try {
            HeadObjectResponse head = client.headObject(r -> r.bucket(bucket).key(fullKey(StorageKeys.requireValid(key))));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty(); // HEAD responses have no body, so no error code
            throw S3Errors.map("stat", location(key), endpoint, e);
        } catch (SdkException e) {
            throw S3Errors.map("stat", location(key), endpoint, e);
        }
    }

    /** Pages through ListObjectsV2 (1000 keys a page); S3 never lists incomplete multipart uploads. */
    @Override
    public List<ObjectInfo> list(String keyPrefix) {
        String strip = prefix.isEmpty() ? "" : prefix + "/";
        List<ObjectInfo> found = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(strip + keyPrefix).maxKeys(listPageSize)).contents()) {
                found.add(new ObjectInfo(object.key().substring(strip.length()), object.size(), object.lastModified()));
            }
        } catch (SdkException e) {
            throw S3Errors.map("list", location(keyPrefix) + "*", endpoint, e);
        }
        return found;
    }

    @Override
    public void close() {
        client.close();
        if (ownsCredentials && credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    String fullKey(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    String location(String key) {
        return "s3://" + bucket + "/" + fullKey(key);
    }

    /** The part's bytes without copying them: the SDK reopens the stream on a retry. */
    static RequestBody body(byte[] data, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream");
    }

    static String sha256(byte[] data, int length) {
        return digest("SHA-256", data, length);
    }

    static String md5(byte[] data, int length) {
        return digest("MD5", data, length);
    }

    private static String digest(String algorithm, byte[] data, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(data, 0, length);
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String withoutUserInfo(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static LifeboatException usage(TargetConfig config, String message) {
        return new LifeboatException(ExitCode.USAGE, "target " + config.name() + " (line " + config.line() + "): " + message);
    }
}
