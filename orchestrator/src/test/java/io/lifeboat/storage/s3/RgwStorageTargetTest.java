package io.lifeboat.storage.s3;

import io.lifeboat.config.TargetConfig;
import io.lifeboat.config.TargetConfig.ChecksumMode;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.StorageTargetContract;
import io.lifeboat.testing.RgwExtension;
import io.lifeboat.testing.RgwServer;
import io.lifeboat.storage.ObjectUpload;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The storage contract against Ceph RGW 16, a second real S3 implementation beside S3Proxy, in
 * the mode such servers need ({@code checksum: off}, path-style), with the bucket owner's keys.
 */
@ExtendWith(RgwExtension.class)
class RgwStorageTargetTest extends StorageTargetContract {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RgwServer rgw;
    private static String bucket;

    @BeforeAll
    static void createBucket(RgwServer server) {
        rgw = server;
        bucket = "contract-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        rgw.s3(RgwServer.OWNER).createBucket(b -> b.bucket(bucket));
    }

    @Override
    protected StorageTarget openTarget() {
        TargetConfig config = new TargetConfig("rgw", URI.create("s3://" + bucket + "/test-" + PREFIXES.incrementAndGet()),
                Optional.empty(), Optional.of(rgw.endpoint()), true, ChecksumMode.OFF, Optional.empty(), PART_SIZE,
                rgw.credentials(RgwServer.OWNER), rgw.credentials(RgwServer.OWNER), 1);
        return S3StorageTarget.open(config, rgw.credentials(RgwServer.OWNER));
    }

    @Override
    protected boolean refusesCompletingOntoAnExistingKey() {
        return false;
    }

    /**
     * Pins the gap: RGW 16 ignores If-None-Match on CompleteMultipartUpload, so a multipart upload
     * onto a taken key replaces it in an unversioned bucket. lifeboat's keys carry a timestamp and
     * random bits, and the vault is versioned with Object Lock, which keep the original there.
     * If this starts failing, RGW enforces the header: drop the override above.
     */
    @Test
    void rgw16ReplacesAnObjectWithAMultipartUploadDespiteIfNoneMatch() throws Exception {
        target.putIfAbsent("taken", "original".getBytes(StandardCharsets.UTF_8), OPTIONS);
        byte[] replacement = new byte[2 * PART_SIZE + 17];
        try (ObjectUpload upload = target.startUpload("taken", OPTIONS)) {
            upload.stream().write(replacement);
            upload.complete();
        }
        assertEquals(replacement.length, target.stat("taken").orElseThrow().size());
    }
}
