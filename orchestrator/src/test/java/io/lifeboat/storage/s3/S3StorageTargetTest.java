package io.lifeboat.storage.s3;

import io.lifeboat.config.TargetConfig.ChecksumMode;
import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.StorageTargetContract;
import io.lifeboat.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract against a real S3 protocol server (S3Proxy, in process), plus what only S3 has. */
class S3StorageTargetTest extends StorageTargetContract {

    private static final String BUCKET = "vault";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    static Path dir;

    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(dir);
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** Each test gets its own prefix in the shared bucket, which also exercises prefix handling. */
    @Override
    protected StorageTarget openTarget() {
        return S3StorageTarget.open(config(ChecksumMode.SHA256), server.credentials());
    }

    private static io.lifeboat.config.TargetConfig config(ChecksumMode checksum) {
        return server.targetConfig(BUCKET, "test-" + PREFIXES.incrementAndGet() + "/backups", PART_SIZE, checksum);
    }

    @Test
    void describeNamesBucketPrefixAndEndpoint() {
        assertTrue(target.describe().matches("s3://vault/test-\\d+/backups at http://127\\.0\\.0\\.1:\\d+"), target.describe());
    }

    @Test
    void withoutS3ChecksumsUploadsRoundTripToo() throws Exception {
        // The mode used for Ceph RGW 16: no SDK checksums at all.
        try (StorageTarget off = S3StorageTarget.open(config(ChecksumMode.OFF), server.credentials())) {
            target.close();
            target = off;
            byte[] content = randomBytes(3 * PART_SIZE + 99, 20);
            upload("off/large", content);
            upload("off/small", bytes("small"));
            assertEquals(sha256(content), sha256(read("off/large")));
            assertEquals("small", new String(read("off/small")));
        }
        target = null;
    }

    /**
     * Memory stays bounded: while 20 parts go out slowly, never more than three part buffers exist
     * and never more than two parts are sent at once; the writer really had to wait.
     */
    @Test
    void partBuffersStayAtThreeWhileTwentyPartsGoOut() throws Exception {
        S3StorageTarget s3 = (S3StorageTarget) target;
        s3.beforePart = part -> sleep(150); // slower than the writer, so it would run ahead if it could
        byte[] chunk = randomBytes(PART_SIZE, 21);
        S3Upload upload = (S3Upload) s3.startUpload("bounded", OPTIONS);
        try (upload) {
            for (int i = 0; i < 20; i++) {
                upload.stream().write(chunk);
            }
            upload.complete();
        }
        assertTrue(upload.peakBuffers() <= 3, "peak part buffers " + upload.peakBuffers());
        assertTrue(upload.peakPartsInFlight() <= 2, "peak parts in flight " + upload.peakPartsInFlight());
        assertTrue(upload.bufferWaits() > 0, "the writer never had to wait, so the bound was not exercised");
        assertEquals(20L * PART_SIZE, target.stat("bounded").orElseThrow().size());
    }

    @Test
    void anUploadWithinOnePartIsOnePutAndLargerOnesAreMultipart() throws Exception {
        upload("single", randomBytes(PART_SIZE, 22));
        upload("multi", randomBytes(PART_SIZE + 1, 23));
        // Multipart ETags end in -<parts>; single puts have a plain MD5.
        assertFalse(eTag("single").contains("-"), eTag("single"));
        assertTrue(eTag("multi").endsWith("-2\""), eTag("multi"));
    }

    @Test
    void listingFollowsEveryPage() {
        ((S3StorageTarget) target).listPageSize = 7;
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            written.add(String.format("k/%03d", i));
            target.putIfAbsent(written.get(i), bytes("x"), OPTIONS);
        }
        assertEquals(written, keys(target.list("k/")));
    }

    /**
     * S3Proxy ignores Object Lock, so this only proves the headers (and, without SDK checksums,
     * the Content-MD5 that S3 demands with them) are well-formed; Ceph RGW tests enforcement.
     */
    @Test
    void objectLockHeadersGoOutInBothChecksumModes() throws Exception {
        PutOptions locked = new PutOptions("application/octet-stream", Optional.of("COMPLIANCE"),
                Optional.of(Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS)));
        byte[] dump = randomBytes(2 * PART_SIZE + 1, 24);
        for (ChecksumMode mode : ChecksumMode.values()) {
            try (StorageTarget t = S3StorageTarget.open(config(mode), server.credentials())) {
                t.putIfAbsent("manifest.json", bytes("{}"), locked);
                try (ObjectUpload upload = t.startUpload("dump", locked)) {
                    upload.stream().write(dump);
                    upload.complete();
                }
                try (InputStream in = t.get("dump")) {
                    assertEquals(sha256(dump), sha256(in.readAllBytes()), mode.name());
                }
            }
        }
    }

    private String eTag(String key) {
        S3StorageTarget s3 = (S3StorageTarget) target;
        return s3.client.headObject(r -> r.bucket(BUCKET).key(s3.fullKey(key))).eTag();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
