package io.lifeboat.storage.file;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageException.Kind;
import io.lifeboat.storage.StorageKeys;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A {@code file:///dir} target, for trials, tests and the demo. Every command that uses one
 * reports it as inside the blast radius ({@link TargetConfig#insideBlastRadius()}).
 *
 * <p>Keys map to paths below the directory. An upload goes to a hidden {@code .partial-<uuid>}
 * file beside its final name, is fsynced, made read-only (0444) and then published with a hard
 * link, which fails atomically when the final name exists: an existing object is never
 * replaced, even by a concurrent writer. Directories are created 0700 as needed. Nothing here
 * retries: local I/O errors are final.
 *
 * <p>What may be left behind: a crash between write and publish leaves a {@code .partial-} file,
 * which {@link #list} and {@link #stat} ignore. The file system must support hard links.
 */
public final class FileStorageTarget implements StorageTarget {

    private static final Logger log = LoggerFactory.getLogger(FileStorageTarget.class);
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> WRITING_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLISHED_MODE = PosixFilePermissions.fromString("r--r--r--");
    private static final int WRITE_BUFFER = 64 * 1024;

    private final Path root;
    private final boolean posix;

    public FileStorageTarget(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The target a {@code file:///dir} configuration names. */
    public static FileStorageTarget of(TargetConfig config) {
        try {
            return new FileStorageTarget(Path.of(config.url()));
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ExitCode.USAGE, "target " + config.name() + " (line " + config.line() + "): "
                    + config.url() + " is not a file:///absolute/dir URL: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "file://" + root;
    }

    /**
     * Opens a hidden temp file beside the final path; creating it is the only I/O before the first
     * write. Closing {@link ObjectUpload#stream()} ends the writing but neither completes nor aborts.
     */
    @Override
    public ObjectUpload startUpload(String key, PutOptions options) {
        Path target = pathOf(key);
        try {
            createDirectories(target.getParent());
            Path temp = target.resolveSibling(StorageKeys.PARTIAL_PREFIX + UUID.randomUUID());
            FileChannel channel = posix
                    ? FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            PosixFilePermissions.asFileAttribute(WRITING_MODE))
                    : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new FileUpload(key, target, temp, channel);
        } catch (IOException e) {
            throw failure("start upload of", key, e);
        }
    }

    @Override
    public StoredObject putIfAbsent(String key, byte[] content, PutOptions options) {
        try (ObjectUpload upload = startUpload(key, options)) {
            upload.stream().write(content);
            return upload.complete();
        } catch (IOException e) {
            throw failure("write", key, e);
        }
    }

    @Override
    public InputStream get(String key) {
        Path path = pathOf(key);
        if (stat(key).isEmpty()) {
            throw new StorageException(Kind.NOT_FOUND, "no object " + key + " in " + describe());
        }
        try {
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path path = pathOf(key);
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // A directory is where longer keys live, not an object; S3 has no such thing either.
            return attrs.isRegularFile()
                    ? Optional.of(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("stat", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        // Walk only the directory the prefix names in full: listing one backup's objects should
        // not read the whole tree.
        Path start = root;
        int slash = prefix.lastIndexOf('/');
        if (slash > 0) {
            try {
                start = root.resolve(StorageKeys.requireValid(prefix.substring(0, slash)));
            } catch (IllegalArgumentException notAKey) {
                return List.of();
            }
        }
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<ObjectInfo> found = new ArrayList<>();
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(StorageKeys.PARTIAL_PREFIX)) {
                        String key = keyOf(file);
                        if (key.startsWith(prefix)) {
                            found.add(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // a temp file published or aborted meanwhile
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw failure("list", prefix + "*", e);
        }
        found.sort(Comparator.comparing(ObjectInfo::key));
        return found;
    }

    @Override
    public void close() {
        // Nothing held between calls.
    }

    private Path pathOf(String key) {
        return root.resolve(StorageKeys.requireValid(key));
    }

    private String keyOf(Path file) {
        Path relative = root.relativize(file);
        StringBuilder key = new StringBuilder();
        for (Path segment : relative) {
            if (key.length() > 0) key.append('/');
            key.append(segment);
        }
        return key.toString();
    }

    private void createDirectories(Path dir) throws IOException {
        if (posix) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } else {
            Files.createDirectories(dir);
        }
    }

    private StorageException failure(String action, String key, IOException e) {
        Kind kind = e instanceof AccessDeniedException ? Kind.ACCESS_DENIED
                : e instanceof NoSuchFileException ? Kind.NOT_FOUND
                : Kind.FAILED;
        return new StorageException(kind, "could not " + action + " " + key + " in " + describe() + ": "
                + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    /** Makes a rename or link durable: without this a crash can lose the new directory entry. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the data itself was fsynced already.
            log.debug("could not fsync directory {}: {}", dir, e.toString());
        }
    }

    private enum State { WRITING, COMPLETED, ABORTED }

    private final class FileUpload implements ObjectUpload {
        private final String key;
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final UploadStream stream = new UploadStream();
        private State state = State.WRITING;

        FileUpload(String key, Path target, Path temp, FileChannel channel) {
            this.key = key;
            this.target = target;
            this.temp = temp;
            this.channel = channel;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public StoredObject complete() {
            if (state == State.COMPLETED) {
                throw new IllegalStateException("upload of " + key + " is already complete");
            }
            if (state == State.ABORTED) {
                throw new StorageException(Kind.FAILED, "upload of " + key + " to " + describe() + " was aborted");
            }
            long size;
            try {
                stream.drain();
                channel.force(true);
                size = channel.size();
                channel.close();
                if (posix) {
                    // Before the link, so the published name is never writable, not even briefly.
                    Files.setPosixFilePermissions(temp, PUBLISHED_MODE);
                }
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                abort();
                throw new StorageException(Kind.ALREADY_EXISTS, key + " already exists in " + describe()
                        + ": lifeboat never replaces a stored object");
            } catch (IOException e) {
                abort();
                throw failure("complete upload of", key, e);
            }
            state = State.COMPLETED;
            try {
                Files.delete(temp);
            } catch (IOException e) {
                log.warn("{} is stored, but its temp file {} could not be removed: {}", key, temp, e.toString());
            }
            fsyncDirectory(target.getParent());
            return new StoredObject(key, size, "");
        }

        @Override
        public void abort() {
            if (state != State.WRITING) {
                return;
            }
            state = State.ABORTED;
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing {}: {}", temp, e.toString());
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                log.warn("aborted upload of {} left its temp file {}: {}", key, temp, e.toString());
            }
        }

        @Override
        public void close() {
            abort();
        }

        /**
         * Buffers small writes; closing it ends the writing (compressors close their sink when
         * they finish) but publishes nothing: that is {@link #complete()}'s job.
         */
        private final class UploadStream extends OutputStream {
            private final ByteBuffer buffer = ByteBuffer.allocate(WRITE_BUFFER);
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                ensureWritable();
                if (!buffer.hasRemaining()) drain();
                buffer.put((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ensureWritable();
                if (len > buffer.remaining()) {
                    drain();
                    if (len >= buffer.capacity()) {
                        writeFully(ByteBuffer.wrap(b, off, len));
                        return;
                    }
                }
                buffer.put(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                if (state == State.WRITING) drain();
            }

            @Override
            public void close() throws IOException {
                if (!closed && state == State.WRITING) drain();
                closed = true;
            }

            void drain() throws IOException {
                buffer.flip();
                writeFully(buffer);
                buffer.clear();
            }

            private void writeFully(ByteBuffer src) throws IOException {
                while (src.hasRemaining()) channel.write(src);
            }

            private void ensureWritable() throws IOException {
                if (state != State.WRITING) {
                    throw new IOException("upload of " + key + " to " + describe() + " is " + state.name().toLowerCase());
                }
                if (closed) {
                    throw new IOException("stream of the upload of " + key + " is closed");
                }
            }
        }
    }
}
