package io.lifeboat.testing;

import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.config.TargetConfig.ChecksumMode;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A real S3 protocol server on 127.0.0.1, in process: S3Proxy with its filesystem blob store, so
 * the data survives {@link #stop()} and {@link #restart()} on the same port. Requests must be
 * signed with this server's key pair, which {@link #credentialsFile()} holds (mode 0600) under
 * profile {@value #PROFILE}.
 *
 * <p>What it does not do: IAM or bucket policies, Object Lock (it ignores the headers). Those
 * need Ceph RGW.
 *
 * <p>Layout under the directory: {@code blobs/} (one directory per bucket) and
 * {@code credentials}.
 *
 * <p>Standalone (the benchmark's loopback S3 server), until killed:
 * <pre>java -cp TEST_CLASSPATH io.lifeboat.testing.S3ProxyServer DIR PORT CREDENTIALS_FILE [BUCKET...]</pre>
 * The credentials file is created (0600, random keys) unless it exists, in which case its
 * profile {@value #PROFILE} is used. PORT 0 picks a free port; the endpoint is printed.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String PROFILE = "s3proxy";

    private final Path blobs;
    private final Path credentialsFile;
    private final String accessKey;
    private final String secretKey;
    private int port;
    private S3Proxy proxy;
    private BlobStore blobStore;

    private S3ProxyServer(Path blobs, Path credentialsFile, String accessKey, String secretKey, int port) {
        this.blobs = blobs;
        this.credentialsFile = credentialsFile;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.port = port;
    }

    /** Starts a server with fresh random keys on a free port, keeping everything under {@code dir}. */
    public static S3ProxyServer start(Path dir) throws Exception {
        return start(dir, 0, dir.resolve("credentials"));
    }

    /**
     * Starts a server on {@code port} (0: a free one) storing under {@code dir}, with the key pair
     * of {@code credentialsFile} (created with random keys if missing).
     */
    public static S3ProxyServer start(Path dir, int port, Path credentialsFile) throws Exception {
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        String accessKey;
        String secretKey;
        if (Files.exists(credentialsFile)) {
            Profile profile = ProfileFile.builder().content(credentialsFile).type(ProfileFile.Type.CREDENTIALS).build()
                    .profile(PROFILE).orElseThrow(() -> new IllegalArgumentException("no [" + PROFILE + "] in " + credentialsFile));
            accessKey = profile.property("aws_access_key_id").orElseThrow();
            secretKey = profile.property("aws_secret_access_key").orElseThrow();
        } else {
            accessKey = "LIFEBOAT" + randomHex(6).toUpperCase();
            secretKey = randomHex(20);
            writeCredentialsFile(credentialsFile, PROFILE, accessKey, secretKey);
        }
        S3ProxyServer server = new S3ProxyServer(blobs, credentialsFile, accessKey, secretKey, port);
        server.start();
        return server;
    }

    /** Writes a shared credentials file with one profile, mode 0600 from the start. */
    public static void writeCredentialsFile(Path file, String profile, String accessKey, String secretKey) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "[" + profile + "]\naws_access_key_id = " + accessKey
                + "\naws_secret_access_key = " + secretKey + "\n", StandardCharsets.UTF_8);
    }

    /** Starts serving again after {@link #stop()}, on the same port with the same data. */
    public synchronized void start() throws Exception {
        if (proxy != null) return;
        blobStore = new FilesystemNio2BlobStore(blobs.toString());
        S3Proxy started = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // The SDK sends x-amz-mp-object-size and friends, which S3Proxy rejects (501) otherwise.
                .ignoreUnknownHeaders(true)
                // lifeboat signs whole payloads (no aws-chunked), which S3Proxy buffers to check:
                // allow parts up to lifeboat's maximum part size of 1 GiB.
                .v4MaxNonChunkedRequestSize(1024L * 1024 * 1024 + 1)
                .build();
        started.start();
        while (!started.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        port = started.getPort();
        proxy = started;
    }

    /** Stops serving (connections in progress are cut); the data stays on disk. */
    public synchronized void stop() {
        if (proxy == null) return;
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop S3Proxy on port " + port, e);
        } finally {
            proxy = null;
            blobStore.close();
        }
    }

    public void restart() throws Exception {
        stop();
        start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Creates a bucket directly in the blob store (works whether or not the server is running). */
    public synchronized void createBucket(String bucket) {
        if (blobStore != null && proxy != null) {
            blobStore.createContainer(bucket);
            return;
        }
        try (BlobStore offline = new FilesystemNio2BlobStore(blobs.toString())) {
            offline.createContainer(bucket);
        }
    }

    /** The shared credentials file (0600) holding this server's key pair under {@value #PROFILE}. */
    public Path credentialsFile() {
        return credentialsFile;
    }

    public CredentialsConfig credentials() {
        return new CredentialsConfig(Optional.of(PROFILE), Optional.of(credentialsFile));
    }

    public String accessKey() {
        return accessKey;
    }

    /** For tests that prove the secret never shows up in messages or logs. */
    public String secretKey() {
        return secretKey;
    }

    /** An S3 target on this server: path-style, this server's credentials for both roles. */
    public TargetConfig targetConfig(String bucket, String prefix, long partSizeBytes, ChecksumMode checksum) {
        return new TargetConfig("s3proxy", URI.create("s3://" + bucket + "/" + prefix), Optional.empty(),
                Optional.of(endpoint()), true, checksum, Optional.empty(), partSizeBytes,
                credentials(), credentials(), 1);
    }

    @Override
    public void close() {
        stop();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: S3ProxyServer DIR PORT CREDENTIALS_FILE [BUCKET...]");
            System.exit(2);
        }
        S3ProxyServer server = start(Path.of(args[0]), Integer.parseInt(args[1]), Path.of(args[2]));
        for (int i = 3; i < args.length; i++) {
            server.createBucket(args[i]);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (RuntimeException e) {
                System.err.println("stopping S3Proxy: " + e);
            }
            stopped.countDown();
        }));
        System.out.println("endpoint " + server.endpoint() + " profile " + PROFILE + " credentials " + server.credentialsFile());
        System.out.flush();
        stopped.await();
    }
}
