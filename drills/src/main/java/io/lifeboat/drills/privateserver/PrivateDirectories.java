package io.lifeboat.drills.privateserver;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The directory that holds private servers and their markers: making it, checking that it is
 * safe to act in, and removing a cluster's directory.
 *
 * <p>Why the checks: lifeboat (often root) chowns, runs programs in and deletes what it finds
 * there, so a directory another user can write to would let that user point it at their own
 * files. The parent must therefore be a real directory (not a symlink) owned by this process's
 * user and writable by nobody else.
 */
public final class PrivateDirectories {

    private PrivateDirectories() {
    }

    /**
     * Makes {@code parent} if it is missing and checks it: private to this user, and (when the
     * server runs as another account) traversable by that account, so it can reach its data.
     */
    public static void prepareParent(Path parent, ServerAccount account) {
        try {
            if (!Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(parent.getParent());
                try {
                    Files.createDirectory(parent);
                    // 0711: the server's account may pass through but not list or write
                    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString(
                            account.switches() ? "rwx--x--x" : "rwx------"));
                } catch (FileAlreadyExistsException raced) {
                    // another cluster made it first; the checks below apply all the same
                }
            }
            checkPrivate(parent);
        } catch (IOException e) {
            throw new PrivateServerException("cannot use " + parent + " for private clusters: " + e, e);
        }
        if (account.switches()) {
            String test = ServerAccount.systemProgram("test").orElse("test");
            if (!account.run(List.of(test, "-x", parent.toString()), Path.of("/"), 20).succeeded()) {
                throw new PrivateServerException("the " + account.name() + " user, which runs the private"
                        + " server because lifeboat runs as root, cannot reach " + parent
                        + ": every directory above it needs search permission for that user"
                        + blockingAncestor(parent).map(a -> " (e.g. chmod o+x " + a + ")").orElse(""));
            }
        }
    }

    /**
     * Refuses a parent another user could write to, or one that is a symlink.
     *
     * @throws IOException with the reason
     */
    public static void checkPrivate(Path parent) throws IOException {
        if (Files.isSymbolicLink(parent)) {
            throw new IOException(parent + " is a symbolic link");
        }
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(parent + " is not a directory");
        }
        Map<String, Object> attrs = Files.readAttributes(parent, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) attrs.get("uid");
        int mode = (Integer) attrs.get("mode");
        int self = ServerAccount.effectiveUid();
        if (owner != self) {
            throw new IOException(parent + " belongs to uid " + owner + ", not to this process's uid " + self);
        }
        if ((mode & 0022) != 0) {
            throw new IOException(parent + " can be written by other users (mode "
                    + Integer.toOctalString(mode & 07777) + ")");
        }
    }

    /**
     * Deletes a directory tree without following symlinks, tolerating files that vanish meanwhile.
     * Retries a few times, because a process that is just dying may still create a file.
     */
    public static void deleteTree(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                deleteOnce(dir);
                return;
            } catch (DirectoryNotEmptyException e) {
                if (attempt == 3) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void deleteOnce(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * The last {@code lines} lines of a server's log, or a note saying why there are none. Read as
     * ISO-8859-1, which never fails on bytes that are not UTF-8.
     */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    /** The first directory from / down that others cannot search: the usual culprit is a 0700 temp dir. */
    private static Optional<Path> blockingAncestor(Path parent) {
        Path p = parent.getRoot();
        for (Path part : parent) {
            p = p.resolve(part);
            try {
                int mode = (Integer) Files.getAttribute(p, "unix:mode");
                if ((mode & 0001) == 0) {
                    return Optional.of(p);
                }
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
