package io.lifeboat.crypto;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.drills.process.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/**
 * age encryption (X25519 recipients), so that any backup can be decrypted with the stock
 * {@code age} tool if lifeboat itself is gone. The backup side only ever holds public keys.
 */
public final class AgeEncryption {

    private AgeEncryption() {
    }

    /**
     * Wraps {@code sink} so that what is written is encrypted to every recipient. Closing the
     * returned stream writes the final authenticated chunk and closes {@code sink}: a stream
     * that was not closed is not a valid age file (truncation is detected on decryption).
     */
    public static OutputStream encryptingStream(OutputStream sink, List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient is required");
        }
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        for (String r : recipients) {
            try {
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(r));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new LifeboatException(ExitCode.USAGE, "invalid age recipient " + abbreviate(r)
                        + ": expected an X25519 public key starting with age1 (from age-keygen -y)", e);
            }
        }
        try {
            return Channels.newOutputStream(
                    new StandardEncryptingChannelFactory().newEncryptingChannel(Channels.newChannel(sink), writers));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("age encryption is unavailable in this JVM: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decrypts with the identity (private key) in {@code identityFile}, which must be readable
     * by its owner only. Reading the returned stream fails with an IOException (age's
     * {@code PayloadException}) at the first chunk that does not authenticate: a flipped byte,
     * a truncated object, or the wrong key (the latter already here, on opening).
     */
    public static InputStream decryptingStream(InputStream source, Path identityFile) throws IOException {
        List<RecipientStanzaReader> readers = new ArrayList<>();
        for (String identity : readIdentities(identityFile)) {
            try {
                readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identity));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new LifeboatException(ExitCode.USAGE, "identity file " + identityFile
                        + " holds a line that is not an age X25519 identity (AGE-SECRET-KEY-1...)");
            }
        }
        try {
            return Channels.newInputStream(
                    new StandardDecryptingChannelFactory().newDecryptingChannel(Channels.newChannel(source), readers));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot decrypt with the identity in " + identityFile
                    + " (is it the key whose public half the backup was encrypted to?): " + e.getMessage(), e);
        }
    }

    /** A new key pair, as age-keygen would print it: identity first, recipient second. */
    public static AgeKeyPair generateKeyPair() {
        try {
            KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
            return new AgeKeyPair(pair.getPrivate().toString(), pair.getPublic().toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is unavailable in this JVM: " + e.getMessage(), e);
        }
    }

    /** Writes an identity file as age-keygen does, mode 0600. */
    public static void writeIdentityFile(Path file, AgeKeyPair pair) throws IOException {
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "# public key: " + pair.recipient() + "\n" + pair.identity() + "\n", StandardCharsets.UTF_8);
    }

    private static List<String> readIdentities(Path identityFile) throws IOException {
        try {
            PrivateFiles.requirePrivate(identityFile, "age identity file");
        } catch (PrivateFiles.UnsafeFileException e) {
            throw new LifeboatException(ExitCode.USAGE, e.getMessage());
        }
        List<String> identities = Files.readAllLines(identityFile, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        if (identities.isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, "identity file " + identityFile + " holds no AGE-SECRET-KEY-1 line");
        }
        return identities;
    }

    private static String abbreviate(String s) {
        // A mistaken private key must never be echoed whole.
        if (s.toUpperCase().startsWith("AGE-SECRET-KEY")) {
            return "(a private AGE-SECRET-KEY, which must never be on the backup host)";
        }
        return "'" + (s.length() > 16 ? s.substring(0, 16) + "…" : s) + "'";
    }

    /** An age key pair: {@code identity} is AGE-SECRET-KEY-1…, {@code recipient} is age1…. */
    public record AgeKeyPair(String identity, String recipient) {
        @Override
        public String toString() {
            return "AgeKeyPair[recipient=" + recipient + "]";
        }
    }
}
