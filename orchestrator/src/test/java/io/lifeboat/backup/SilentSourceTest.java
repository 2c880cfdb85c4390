package io.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source that accepts TCP connections and never says a word: a hung server, a stuck proxy or
 * load balancer. The backup must fail within the source's {@code connect_timeout}, exit 3 and
 * name the source and endpoint, instead of hanging a cron job or a scheduler thread forever.
 */
class SilentSourceTest {

    @TempDir
    Path dir;

    private ServerSocket silent;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(silent.accept()); // accepted, then never read from or written to
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "silent-source");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void close() throws IOException {
        silent.close();
        for (Socket s : held) {
            s.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "mariadb"})
    void aSourceThatAcceptsAndNeverAnswersFailsTheBackupWithinItsConnectTimeout(String engine) throws IOException {
        Path config = config(engine, "2s");

        Cli.Run run = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run("--config", config.toString(), "backup", "run", "shop"),
                "the backup hung on a silent server");

        assertEquals(3, run.exitCode(), run.all());
        assertTrue(run.err().contains("shop") && run.err().contains("127.0.0.1:" + silent.getLocalPort()), run.err());
        assertFalse(held.isEmpty(), "the backup did connect to the silent server");
        try (Stream<Path> stored = Files.exists(dir.resolve("repo")) ? Files.walk(dir.resolve("repo")) : Stream.empty()) {
            assertEquals(List.of(), stored.filter(Files::isRegularFile).toList(), "nothing was stored");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "11m"})
    void aConnectTimeoutOutsideItsRangeIsAConfigurationError(String timeout) throws IOException {
        Path config = config("postgres", timeout);
        Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("connect_timeout") && run.err().contains("between 1s and 10m"), run.err());
    }

    private Path config(String engine, String connectTimeout) throws IOException {
        Path passwordFile = dir.resolve("shop.password");
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, "not-a-real-password\n");
        AgeEncryption.AgeKeyPair keys = AgeEncryption.generateKeyPair();
        Path identityFile = dir.resolve("drill.agekey");
        AgeEncryption.writeIdentityFile(identityFile, keys);
        try {
            return TestConfigs.write(dir, """
                    engine: %s
                    host: 127.0.0.1
                    port: %d
                    database: shop
                    user: backup
                    password_file: %s
                    sslmode: disable
                    connect_timeout: %s
                    target: vault
                    """.formatted(engine, silent.getLocalPort(), passwordFile, connectTimeout),
                    "url: file://" + dir.resolve("repo"), keys.recipient(), identityFile, "");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
