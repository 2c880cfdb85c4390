package io.lifeboat.catalog;

import java.io.IOException;
import io.lifeboat.config.StateFiles;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Keeps two runs of one job (say {@code backup.shop}) from overlapping: a one-shot command from
 * system cron, the scheduler, and a second scheduler node all take the same lock before they
 * start.
 *
 * <p>Two locks, both released by the operating system or the database when their holder dies, so
 * a crashed run never leaves a lock someone has to remove by hand:
 * <ul>
 * <li>a file lock ({@code flock}) on {@code <state_dir>/locks/<job>.lock}: every process on this
 *     host, whatever the catalog;</li>
 * <li>with a PostgreSQL catalog, also a session advisory lock on the catalog database: every node
 *     of a cluster.</li>
 * </ul>
 */
public final class JobLocks {
    private final Path dir;
    private final Optional<CatalogDatabase> postgres;

    public JobLocks(Path stateDir, CatalogDatabase db) {
        this(stateDir, db.isPostgres() ? Optional.of(db) : Optional.empty());
    }

    private JobLocks(Path stateDir, Optional<CatalogDatabase> postgres) {
        this.dir = stateDir.resolve("locks");
        this.postgres = postgres;
    }

    /** The host-local lock alone, for when the catalog cannot be reached. */
    public static JobLocks fileOnly(Path stateDir) {
        return new JobLocks(stateDir, Optional.empty());
    }

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** The lock, or empty when another run holds it now. */
    public Optional<Held> tryAcquire(JobKind kind, String name) {
        String job = kind.jobName(name);
        FileChannel channel;
        FileLock fileLock;
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            channel = FileChannel.open(dir.resolve(job + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            StateFiles.adopt(dir.getParent(), dir.resolve(job + ".lock"));
        } catch (IOException e) {
            throw new CatalogException("cannot open the lock file of " + job + " under " + dir + ": " + e.getMessage(), e);
        }
        try {
            fileLock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            fileLock = null; // this very process runs the job already
        } catch (IOException e) {
            close(channel);
            throw new CatalogException("cannot lock " + job + " under " + dir + ": " + e.getMessage(), e);
        }
        if (fileLock == null) {
            close(channel);
            return Optional.empty();
        }
        if (postgres.isEmpty()) {
            return Optional.of(() -> close(channel));
        }
        Connection c = postgres.get().connect();
        try (PreparedStatement p = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            p.setString(1, "lifeboat:" + job);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    close(c);
                    close(channel);
                    return Optional.empty();
                }
            }
        } catch (SQLException e) {
            close(c);
            close(channel);
            throw new CatalogException("cannot lock " + job + " in the catalog " + postgres.get().describe() + ": "
                    + e.getMessage(), e);
        }
        // Closing the session releases the advisory lock.
        return Optional.of(() -> {
            close(c);
            close(channel);
        });
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // releasing: the OS or the server drops the lock with the handle anyway
        }
    }
}
