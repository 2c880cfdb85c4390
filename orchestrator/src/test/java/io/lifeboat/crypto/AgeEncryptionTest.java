package io.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.LifeboatException;
import io.lifeboat.drills.process.ChildProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** age round trips in process and, both ways, with Debian's stock {@code age} tool. */
class AgeEncryptionTest {

    @TempDir
    Path dir;

    private static byte[] sample(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        return b;
    }

    private static byte[] encrypt(byte[] plain, List<String> recipients) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = AgeEncryption.encryptingStream(sink, recipients)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    private Path identityFile(AgeEncryption.AgeKeyPair pair) throws IOException {
        Path f = dir.resolve("id-" + pair.recipient().substring(4, 12) + ".agekey");
        AgeEncryption.writeIdentityFile(f, pair);
        return f;
    }

    @Test
    void roundTripInProcess() throws IOException {
        AgeEncryption.AgeKeyPair pair = AgeEncryption.generateKeyPair();
        assertTrue(pair.recipient().startsWith("age1"));
        assertTrue(pair.identity().startsWith("AGE-SECRET-KEY-1"));
        byte[] plain = sample(3 * 65536 + 17); // several age chunks plus a partial one
        byte[] cipher = encrypt(plain, List.of(pair.recipient()));
        try (InputStream in = AgeEncryption.decryptingStream(new ByteArrayInputStream(cipher), identityFile(pair))) {
            assertArrayEquals(plain, in.readAllBytes());
        }
    }

    @Test
    void stockAgeDecryptsWhatLifeboatEncrypted() throws IOException {
        AgeEncryption.AgeKeyPair pair = AgeEncryption.generateKeyPair();
        byte[] plain = sample(200_000);
        Path cipher = dir.resolve("x.age");
        Files.write(cipher, encrypt(plain, List.of(pair.recipient())));
        Path out = dir.resolve("x");
        ChildProcess.run(List.of("age", "-d", "-i", identityFile(pair).toString(), "-o", out.toString(), cipher.toString()), Map.of(), 30);
        assertArrayEquals(plain, Files.readAllBytes(out));
    }

    @Test
    void lifeboatDecryptsWhatStockAgeEncrypted() throws IOException {
        Path key = dir.resolve("stock.agekey");
        ChildProcess.run(List.of("age-keygen", "-o", key.toString()), Map.of(), 30);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String recipient = ChildProcess.run(List.of("age-keygen", "-y", key.toString()), Map.of(), 30).strip();
        Path plainFile = dir.resolve("p");
        byte[] plain = sample(100_000);
        Files.write(plainFile, plain);
        Path cipher = dir.resolve("p.age");
        ChildProcess.run(List.of("age", "-r", recipient, "-o", cipher.toString(), plainFile.toString()), Map.of(), 30);
        try (InputStream in = AgeEncryption.decryptingStream(Files.newInputStream(cipher), key)) {
            assertArrayEquals(plain, in.readAllBytes());
        }
    }

    @Test
    void flippedByteFailsAuthentication() throws IOException {
        AgeEncryption.AgeKeyPair pair = AgeEncryption.generateKeyPair();
        byte[] cipher = encrypt(sample(150_000), List.of(pair.recipient()));
        cipher[cipher.length / 2] ^= 0x01;
        Path id = identityFile(pair);
        assertThrows(IOException.class, () -> {
            try (InputStream in = AgeEncryption.decryptingStream(new ByteArrayInputStream(cipher), id)) {
                in.readAllBytes();
            }
        });
    }

    @Test
    void wrongKeyIsRefused() throws IOException {
        byte[] cipher = encrypt(sample(1000), List.of(AgeEncryption.generateKeyPair().recipient()));
        Path other = identityFile(AgeEncryption.generateKeyPair());
        assertThrows(IOException.class, () -> {
            try (InputStream in = AgeEncryption.decryptingStream(new ByteArrayInputStream(cipher), other)) {
                in.readAllBytes();
            }
        });
    }

    @Test
    void identityReadableByOthersIsRefused() throws IOException {
        AgeEncryption.AgeKeyPair pair = AgeEncryption.generateKeyPair();
        Path id = identityFile(pair);
        Files.setPosixFilePermissions(id, PosixFilePermissions.fromString("rw-r--r--"));
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> AgeEncryption.decryptingStream(new ByteArrayInputStream(new byte[0]), id));
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().contains("chmod 600 " + id), e.getMessage());
    }

    @Test
    void privateKeyGivenAsRecipientIsRefusedWithoutEchoingIt() {
        AgeEncryption.AgeKeyPair pair = AgeEncryption.generateKeyPair();
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> AgeEncryption.encryptingStream(new ByteArrayOutputStream(), List.of(pair.identity())));
        assertTrue(e.getMessage().contains("private"), e.getMessage());
        assertTrue(!e.getMessage().contains(pair.identity().substring(16)), "the private key must not be echoed");
    }
}
