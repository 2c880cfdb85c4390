package io.lifeboat.storage.s3;

import io.lifeboat.ExitCode;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.config.TargetConfig.ChecksumMode;
import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageException.Kind;
import io.lifeboat.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the S3 target fails: the server going away, the writer failing, nobody listening. */
class S3StorageTargetFailureTest {

    private static final int PART_SIZE = 5 * 1024 * 1024;
    private static final PutOptions OPTIONS = PutOptions.of("application/octet-stream");
    private static final String BUCKET = "vault";

    @TempDir
    Path dir;

    private S3ProxyServer server;
    private S3StorageTarget target;

    @BeforeEach
    void start() throws Exception {
        server = S3ProxyServer.start(dir);
        server.createBucket(BUCKET);
        target = S3StorageTarget.open(server.targetConfig(BUCKET, "db1", PART_SIZE, ChecksumMode.SHA256), server.credentials());
    }

    @AfterEach
    void stop() throws Exception {
        target.close();
        server.close();
    }

    @Test
    void serverStoppingMidUploadIsUnreachableAndLeavesNothingUnderTheKey() throws Exception {
        byte[] mebibyte = random(1 << 20);
        StorageException e = assertThrows(StorageException.class, () -> {
            try (ObjectUpload upload = target.startUpload("dump", OPTIONS)) {
                for (int mib = 0; mib < 12 * 5; mib++) {
                    if (mib == 2 * 5 + 2) {
                        server.stop(); // parts 1 and 2 are out, the writer is filling part 3
                    }
                    upload.stream().write(mebibyte);
                }
                upload.complete();
            }
        });
        assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
        assertEquals(ExitCode.INCOMPLETE, e.exitCode());
        assertTrue(e.getMessage().contains("s3://vault/db1/dump"), e.getMessage());
        assertTrue(e.getMessage().contains(server.endpoint().toString()), e.getMessage());

        server.start();
        assertTrue(target.stat("dump").isEmpty());
        assertEquals(List.of(), target.list(""));
    }

    @Test
    void aWriterThatFailsMidStreamLeavesNoPendingUploadOnTheServer() {
        assertThrows(IOException.class, () -> {
            try (ObjectUpload upload = target.startUpload("dump", OPTIONS)) {
                upload.stream().write(random(2 * PART_SIZE + PART_SIZE / 2));
                assertEquals(1, pendingUploads().size(), "the multipart upload should exist by now");
                throw new IOException("pg_dump exited with status 1"); // the producer's failure
            }
        });
        assertEquals(List.of(), pendingUploads());
        assertTrue(target.stat("dump").isEmpty());
    }

    @Test
    void abortWhilePartsAreInFlightWaitsForThemThenAbortsOnTheServer() throws Exception {
        target.beforePart = part -> sleep(300); // parts are still being sent when abort comes
        ObjectUpload upload = target.startUpload("dump", OPTIONS);
        upload.stream().write(random(3 * PART_SIZE + 1));
        upload.abort();
        assertEquals(List.of(), pendingUploads());
        assertTrue(target.stat("dump").isEmpty());
        StorageException e = assertThrows(StorageException.class, upload::complete);
        assertEquals(Kind.FAILED, e.kind());
    }

    @Test
    void aFailingPartAbortsTheUploadAndCompleteThrows() throws Exception {
        target.beforePart = part -> {
            if (part == 2) throw new IllegalStateException("injected failure of part 2");
        };
        ObjectUpload upload = target.startUpload("dump", OPTIONS);
        // The writer notices at its next write or at complete, whichever comes first.
        StorageException e = assertThrows(StorageException.class, () -> {
            upload.stream().write(random(2 * PART_SIZE + 1));
            upload.complete();
        });
        assertEquals(Kind.FAILED, e.kind());
        assertEquals(e, assertThrows(StorageException.class, upload::complete)); // and keeps saying so
        assertTrue(e.getMessage().contains("part 2") && e.getMessage().contains("injected"), e.getMessage());
        assertEquals(List.of(), pendingUploads());
        assertThrows(StorageException.class, () -> upload.stream().write(1)); // stays failed
        upload.close();
    }

    @Test
    void anInterruptedWriterStillAbortsOnTheServerAndKeepsItsInterrupt() throws Exception {
        target.beforePart = part -> sleep(1000);
        ObjectUpload upload = target.startUpload("dump", OPTIONS);
        upload.stream().write(random(2 * PART_SIZE + 1)); // parts 1 and 2 are being sent, slowly
        Thread.currentThread().interrupt(); // e.g. the scheduler shutting down
        StorageException e = assertThrows(StorageException.class, () -> upload.stream().write(random(PART_SIZE)));
        assertTrue(Thread.interrupted(), "the interrupt must survive the clean-up");
        assertEquals(Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertEquals(List.of(), pendingUploads());
    }

    @Test
    void aClosedPortIsUnreachableQuickly() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TargetConfig nowhere = withEndpoint(URI.create("http://127.0.0.1:" + closedPort));
        try (S3StorageTarget unreachable = S3StorageTarget.open(nowhere, server.credentials())) {
            long started = System.nanoTime();
            List<Runnable> operations = List.of(
                    () -> unreachable.putIfAbsent("manifest.json", new byte[10], OPTIONS),
                    () -> unreachable.stat("manifest.json"),
                    () -> unreachable.list(""),
                    () -> unreachable.get("manifest.json"),
                    () -> {
                        try (ObjectUpload upload = unreachable.startUpload("dump", OPTIONS)) {
                            upload.stream().write(random(PART_SIZE + 1)); // the multipart upload starts here
                            upload.complete();
                        } catch (IOException io) {
                            throw new AssertionError(io);
                        }
                    });
            for (Runnable operation : operations) {
                StorageException e = assertThrows(StorageException.class, operation::run);
                assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
                assertEquals(ExitCode.INCOMPLETE, e.exitCode());
                assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.toSeconds() < 20, "five operations took " + took);
        }
    }

    @Test
    void anUnknownHostIsUnreachable() {
        try (S3StorageTarget unknown = S3StorageTarget.open(withEndpoint(URI.create("http://no-such-host.invalid:9000")),
                server.credentials())) {
            StorageException e = assertThrows(StorageException.class, () -> unknown.stat("x"));
            assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
        }
    }

    @Test
    void aMissingBucketIsAFailureNotAMissingObject() {
        try (S3StorageTarget noBucket = S3StorageTarget.open(
                server.targetConfig("no-such-bucket", "", PART_SIZE, ChecksumMode.SHA256), server.credentials())) {
            StorageException e = assertThrows(StorageException.class, () -> noBucket.get("x"));
            assertEquals(Kind.FAILED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("NoSuchBucket") && e.getMessage().contains("s3://no-such-bucket/x"), e.getMessage());
        }
    }

    private TargetConfig withEndpoint(URI endpoint) {
        TargetConfig c = server.targetConfig(BUCKET, "db1", PART_SIZE, ChecksumMode.SHA256);
        return new TargetConfig(c.name(), c.url(), c.region(), Optional.of(endpoint), c.pathStyle(), c.checksum(),
                c.objectLock(), c.partSizeBytes(), c.writeCredentials(), c.readCredentials(), c.line());
    }

    private List<MultipartUpload> pendingUploads() {
        return target.client.listMultipartUploads(r -> r.bucket(BUCKET)).uploads();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
