package io.lifeboat.credentials;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.CredentialsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwsCredentialsTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @TempDir
    Path dir;

    @Test
    void aPrivateFileGivesTheProfilesKeys() throws Exception {
        Path file = credentialsFile("600", "[writer]\naws_access_key_id = AKIDWRITER\naws_secret_access_key = " + SECRET + "\n");
        AwsCredentials keys = io.lifeboat.credentials.AwsCredentials.provider(config("writer", file)).resolveCredentials();
        assertEquals("AKIDWRITER", keys.accessKeyId());
        assertEquals(SECRET, keys.secretAccessKey());
    }

    @Test
    void aFileReadableByOthersIsRefusedWithTheFix() throws Exception {
        for (String mode : new String[] {"644", "640", "660", "606"}) {
            Path file = credentialsFile(mode, "[writer]\naws_access_key_id = AKID\naws_secret_access_key = " + SECRET + "\n");
            LifeboatException e = assertThrows(LifeboatException.class,
                    () -> io.lifeboat.credentials.AwsCredentials.provider(config("writer", file)));
            assertEquals(ExitCode.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
            assertTrue(e.getMessage().contains("group or others") && e.getMessage().contains("0" + mode), e.getMessage());
            Files.delete(file);
        }
    }

    @Test
    void aMissingProfileIsNamedWithTheProfilesThatExist() throws Exception {
        Path file = credentialsFile("600", "[reader]\naws_access_key_id = AKID\naws_secret_access_key = " + SECRET + "\n");
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> io.lifeboat.credentials.AwsCredentials.provider(config("writer", file)));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("[writer]") && e.getMessage().contains(file.toString())
                && e.getMessage().contains("reader"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamedWithTheProfile() {
        Path file = dir.resolve("nowhere");
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> io.lifeboat.credentials.AwsCredentials.provider(config("writer", file)));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(file + " (wanted for profile [writer]) does not exist"), e.getMessage());
    }

    @Test
    void aProfileWithoutItsKeyIdIsRefusedNow() throws Exception {
        Path file = credentialsFile("600", "[writer]\naws_secret_access_key = " + SECRET + "\n");
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> io.lifeboat.credentials.AwsCredentials.provider(config("writer", file)));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("[writer]") && e.getMessage().contains("aws_access_key_id"), e.getMessage());
    }

    @Test
    void aFileWithoutAProfileNameUsesDefault() throws Exception {
        Path file = credentialsFile("600", "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = " + SECRET + "\n");
        AwsCredentialsProvider provider = io.lifeboat.credentials.AwsCredentials.provider(
                new CredentialsConfig(Optional.empty(), Optional.of(file)));
        assertEquals("AKIDDEFAULT", provider.resolveCredentials().accessKeyId());
    }

    @Test
    void aProfileWithoutAFileUsesTheHomeCredentialsFile() throws Exception {
        Files.createDirectories(dir.resolve(".aws"));
        Path file = dir.resolve(".aws/credentials");
        Files.writeString(file, "[writer]\naws_access_key_id = AKIDHOME\naws_secret_access_key = " + SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String home = System.getProperty("user.home");
        System.setProperty("user.home", dir.toString());
        try {
            AwsCredentialsProvider provider = io.lifeboat.credentials.AwsCredentials.provider(
                    new CredentialsConfig(Optional.of("writer"), Optional.empty()));
            assertEquals("AKIDHOME", provider.resolveCredentials().accessKeyId());
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void neitherProfileNorFileMeansTheDefaultChain() {
        assertInstanceOf(DefaultCredentialsProvider.class,
                io.lifeboat.credentials.AwsCredentials.provider(CredentialsConfig.defaultChain()));
    }

    private Path credentialsFile(String mode, String content) throws Exception {
        Path file = dir.resolve("credentials-" + mode);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(symbolic(mode)));
        return file;
    }

    private static String symbolic(String octal) {
        StringBuilder s = new StringBuilder();
        for (char digit : octal.toCharArray()) {
            int d = digit - '0';
            s.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
        }
        return s.toString();
    }

    private static CredentialsConfig config(String profile, Path file) {
        return new CredentialsConfig(Optional.of(profile), Optional.of(file));
    }
}
