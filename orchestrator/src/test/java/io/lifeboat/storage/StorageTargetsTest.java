package io.lifeboat.storage;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.config.TargetConfig.ChecksumMode;
import io.lifeboat.storage.StorageTargets.Access;
import io.lifeboat.storage.file.FileStorageTarget;
import io.lifeboat.storage.s3.S3StorageTarget;
import io.lifeboat.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageTargetsTest {

    @TempDir
    Path dir;

    @Test
    void aFileUrlOpensAFileTargetWhateverTheCredentials() {
        CredentialsConfig missing = new CredentialsConfig(Optional.of("x"), Optional.of(dir.resolve("missing")));
        TargetConfig config = config(dir.resolve("backups").toUri(), missing, missing);
        for (Access access : Access.values()) {
            try (StorageTarget target = StorageTargets.open(config, access)) {
                assertInstanceOf(FileStorageTarget.class, target);
                assertEquals("file://" + dir.resolve("backups"), target.describe());
            }
        }
    }

    @Test
    void anS3TargetUsesTheCredentialOfTheAccessAsked() throws Exception {
        Path good = dir.resolve("good");
        S3ProxyServer.writeCredentialsFile(good, "p", "AKID", "secret");
        CredentialsConfig valid = new CredentialsConfig(Optional.of("p"), Optional.of(good));
        CredentialsConfig broken = new CredentialsConfig(Optional.of("p"), Optional.of(dir.resolve("absent")));
        URI url = URI.create("s3://vault/db");

        try (StorageTarget writer = StorageTargets.open(config(url, valid, broken), Access.WRITE)) {
            assertInstanceOf(S3StorageTarget.class, writer);
        }
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> StorageTargets.open(config(url, valid, broken), Access.READ));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(dir.resolve("absent").toString()), e.getMessage());

        try (StorageTarget reader = StorageTargets.open(config(url, broken, valid), Access.READ)) {
            assertEquals("s3://vault/db at http://127.0.0.1:9", reader.describe());
        }
        assertThrows(LifeboatException.class, () -> StorageTargets.open(config(url, broken, valid), Access.WRITE));
    }

    @Test
    void aPartSizeBelowTheS3MinimumIsAConfigurationError() throws Exception {
        Path good = dir.resolve("good");
        S3ProxyServer.writeCredentialsFile(good, "p", "AKID", "secret");
        CredentialsConfig valid = new CredentialsConfig(Optional.of("p"), Optional.of(good));
        TargetConfig c = config(URI.create("s3://vault/db"), valid, valid);
        TargetConfig tiny = new TargetConfig(c.name(), c.url(), c.region(), c.endpoint(), c.pathStyle(), c.checksum(),
                c.objectLock(), 1024, c.writeCredentials(), c.readCredentials(), c.line());
        LifeboatException e = assertThrows(LifeboatException.class, () -> StorageTargets.open(tiny, Access.WRITE));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("part size 1024"), e.getMessage());
    }

    private static TargetConfig config(URI url, CredentialsConfig write, CredentialsConfig read) {
        return new TargetConfig("vault", url, Optional.empty(), Optional.of(URI.create("http://127.0.0.1:9")), true,
                ChecksumMode.SHA256, Optional.empty(), 8L << 20, write, read, 3);
    }
}
