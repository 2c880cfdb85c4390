package io.lifeboat.storage.s3;

import io.lifeboat.LifeboatException;
import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.config.TargetConfig.ChecksumMode;
import io.lifeboat.credentials.AwsCredentials;
import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageException;
import io.lifeboat.testing.ConsoleCapture;
import io.lifeboat.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Provokes every storage and credentials failure there is and proves that neither the exceptions
 * (messages, causes, suppressed, stack traces) nor what was logged meanwhile contain a secret key.
 */
class S3StorageSecretsTest {

    private static final int PART_SIZE = 5 * 1024 * 1024;
    private static final PutOptions OPTIONS = PutOptions.of("application/octet-stream");
    private static final String WRONG_SECRET = "wrongSecretThatMustNotLeak0123456789abcd";

    @TempDir
    Path dir;

    private final List<Throwable> failures = new ArrayList<>();

    @Test
    void noFailureMessageOrLogLineContainsASecretKey() throws Exception {
        String[] secret = new String[1];
        String logs = ConsoleCapture.during(() -> {
            try (S3ProxyServer server = S3ProxyServer.start(dir.resolve("s3"))) {
                secret[0] = server.secretKey();
                provokeEverything(server);
            }
        });
        // The capture works: the failed abort after the server went away was logged.
        assertTrue(logs.contains("AbortIncompleteMultipartUpload"), "log capture saw nothing:\n" + logs);
        assertEquals(10, failures.size(), failures.toString());

        for (String key : List.of(secret[0], WRONG_SECRET)) {
            for (Throwable failure : failures) {
                String everything = stackTrace(failure);
                assertFalse(everything.contains(key), "a secret key is in:\n" + everything);
            }
            assertFalse(logs.contains(key), "a secret key is in the logs:\n" + logs);
        }
    }

    private void provokeEverything(S3ProxyServer server) throws Exception {
        server.createBucket("vault");
        TargetConfig config = server.targetConfig("vault", "db", PART_SIZE, ChecksumMode.SHA256);

        // Signed with the wrong secret: 403.
        Path wrong = dir.resolve("wrong-credentials");
        S3ProxyServer.writeCredentialsFile(wrong, "w", server.accessKey(), WRONG_SECRET);
        try (S3StorageTarget impostor = S3StorageTarget.open(config, new CredentialsConfig(Optional.of("w"), Optional.of(wrong)), io.lifeboat.credentials.Side.WRITER)) {
            expect(StorageException.Kind.ACCESS_DENIED, () -> impostor.putIfAbsent("x", new byte[1], OPTIONS));
            expect(StorageException.Kind.ACCESS_DENIED, () -> impostor.list(""));
        }

        try (S3StorageTarget target = S3StorageTarget.open(config, server.credentials())) {
            target.putIfAbsent("manifest.json", new byte[1], OPTIONS);
            expect(StorageException.Kind.ALREADY_EXISTS, () -> target.putIfAbsent("manifest.json", new byte[1], OPTIONS));
            expect(StorageException.Kind.NOT_FOUND, () -> target.get("absent"));
            // The server goes away mid-upload: unreachable, and the abort fails too (logged).
            expect(StorageException.Kind.UNREACHABLE, () -> {
                try (ObjectUpload upload = target.startUpload("dump", OPTIONS)) {
                    upload.stream().write(new byte[PART_SIZE + 1]);
                    server.stop();
                    upload.stream().write(new byte[PART_SIZE]);
                    upload.complete();
                }
            });
        }

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TargetConfig nowhere = new TargetConfig("x", config.url(), Optional.empty(),
                Optional.of(URI.create("http://127.0.0.1:" + closedPort)), true, ChecksumMode.SHA256, Optional.empty(),
                PART_SIZE, config.writeCredentials(), config.readCredentials(), 1);
        try (S3StorageTarget unreachable = S3StorageTarget.open(nowhere, server.credentials())) {
            expect(StorageException.Kind.UNREACHABLE, () -> unreachable.stat("x"));
        }

        // Credentials files that are refused, each holding the real secret.
        String keys = "aws_access_key_id = " + server.accessKey() + "\naws_secret_access_key = " + server.secretKey() + "\n";
        Path open = credentialsFile("world-readable", "rw-r--r--", "[p]\n" + keys);
        expectUsage(() -> AwsCredentials.provider(new CredentialsConfig(Optional.of("p"), Optional.of(open))));
        Path other = credentialsFile("other-profile", "rw-------", "[p]\n" + keys);
        expectUsage(() -> AwsCredentials.provider(new CredentialsConfig(Optional.of("q"), Optional.of(other))));
        Path keyless = credentialsFile("no-key-id", "rw-------", "[p]\naws_secret_access_key = " + server.secretKey() + "\n");
        expectUsage(() -> AwsCredentials.provider(new CredentialsConfig(Optional.of("p"), Optional.of(keyless))));
        Path garbled = credentialsFile("garbled", "rw-------", "aws_secret_access_key = " + server.secretKey() + "\n[p\n" + keys);
        expectUsage(() -> AwsCredentials.provider(new CredentialsConfig(Optional.of("p"), Optional.of(garbled))));
    }

    private void expect(StorageException.Kind kind, Executable action) {
        try {
            action.execute();
            fail("expected " + kind);
        } catch (StorageException e) {
            assertEquals(kind, e.kind(), e.getMessage());
            failures.add(e);
        } catch (Throwable e) {
            throw new AssertionError("expected StorageException " + kind, e);
        }
    }

    private void expectUsage(Executable action) {
        try {
            action.execute();
            fail("expected a usage error");
        } catch (LifeboatException e) {
            failures.add(e);
        } catch (Throwable e) {
            throw new AssertionError("expected LifeboatException", e);
        }
    }

    private Path credentialsFile(String name, String mode, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode + "-".repeat(9 - mode.length())));
        return file;
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return t + "\n" + out;
    }
}
