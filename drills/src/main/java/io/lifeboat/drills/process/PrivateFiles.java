package io.lifeboat.drills.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Secret files: reading the ones a person put on disk (password files, age identities), and
 * writing the temporary ones child processes read instead of getting a secret in argv or their
 * environment.
 *
 * <p>Like OpenSSH with private keys, a secret file that group or others may read or write is
 * refused outright: such a file has very likely leaked already, and going on would hide that.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /**
     * Checks that {@code file} exists, is a regular file and is private to its owner.
     *
     * @param what what the file is, for the message ("password file of source shop")
     * @throws UnsafeFileException naming the file, what is wrong and the command that fixes it
     */
    public static void requirePrivate(Path file, String what) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw new UnsafeFileException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new UnsafeFileException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
        if (!Files.isRegularFile(file)) {
            throw new UnsafeFileException(what + " " + file + " is not a regular file");
        }
        Set<PosixFilePermission> loose = EnumSet.copyOf(GROUP_OR_OTHERS);
        loose.retainAll(perms);
        if (!loose.isEmpty()) {
            throw new UnsafeFileException(what + " " + file + " is accessible by group or others (mode "
                    + PosixFilePermissions.toString(perms) + "); refusing to use it. Fix: chmod 600 " + file);
        }
    }

    /**
     * Reads the first line of a private file: a password file holds the password alone on its
     * first line (a trailing newline is not part of it).
     */
    public static String readFirstLine(Path file, String what) {
        requirePrivate(file, what);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            String line = nl < 0 ? text : text.substring(0, nl);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new UnsafeFileException(what + " " + file + " is empty: put the secret alone on its first line");
            }
            return line;
        } catch (IOException e) {
            throw new UnsafeFileException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * Creates a fresh 0700 directory holding one 0600 file with {@code content}; the caller
     * removes both with the returned handle. The directory keeps other users from even seeing
     * the file's name while it exists.
     */
    public static TemporarySecret writeTemporary(String fileName, String content) {
        installShutdownCleanup();
        try {
            Path dir = Files.createTempDirectory("lifeboat-secret-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve(fileName);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            TemporarySecret secret = new TemporarySecret(dir, file);
            LIVE.add(secret);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private temporary file: " + e.getMessage(), e);
        }
    }

    /**
     * Secrets not yet closed. A JVM stopped by SIGTERM (systemd, a cron timeout) runs shutdown
     * hooks but not the finally blocks of its busy threads: the hook removes these files then.
     * Only SIGKILL can leave one behind, in a 0700 directory of lifeboat's own user.
     */
    private static final Set<TemporarySecret> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean HOOKED = new java.util.concurrent.atomic.AtomicBoolean();

    private static void installShutdownCleanup() {
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(secret -> {
                try {
                    secret.close();
                } catch (RuntimeException ignored) {
                    // best effort while the JVM goes down
                }
            }), "lifeboat-remove-secrets"));
        }
    }

    /** A temporary secret file; closing removes it and its directory. */
    public record TemporarySecret(Path dir, Path file) implements AutoCloseable {
        @Override
        public void close() {
            LIVE.remove(this);
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("could not remove temporary secret " + file + ": " + e.getMessage(), e);
            }
        }

        public boolean exists() {
            return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** A secret file that is missing, unreadable or readable by others. */
    public static final class UnsafeFileException extends RuntimeException {
        public UnsafeFileException(String message) {
            super(message);
        }
    }
}
