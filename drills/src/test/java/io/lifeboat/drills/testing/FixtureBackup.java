package io.lifeboat.drills.testing;

import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.StepRecorder;
import io.lifeboat.drills.sandbox.Sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link DrillBackup} for tests: manifest facts given directly, and a dump that is "fetched"
 * by streaming a local file (or a stream that fails the way a real one would: at its first read,
 * or at its end where the real one verifies the checksum). It plays the orchestrator's part
 * without S3, so the drill library is tested on real dumps alone.
 *
 * @param name   the fixture's name, after its defect ({@code truncated.dump}, {@code stale-30h}, …)
 * @param opener what {@link DrillBackup#open} returns for this fixture
 */
public record FixtureBackup(String name, String backupId, Instant takenAt, String engine, String serverVersion,
                            String dumpFormat, Map<String, Long> rowCounts, Optional<CanaryRow> canary,
                            Opener opener) implements DrillBackup {

    /** What {@link DrillBackup#open} does for this fixture, given the time its reads may wait ({@link Sandbox#RESTORE_LIMIT} when the caller gave none). */
    @FunctionalInterface
    public interface Opener {
        InputStream open(StepRecorder steps, Duration within);
    }

    public FixtureBackup {
        Objects.requireNonNull(name, "name");
        rowCounts = Map.copyOf(rowCounts);
    }

    /** A backup of {@code dump} whose manifest agrees with it, taken at {@code takenAt}. */
    public static FixtureBackup of(DumpFixtures.Dump dump, Instant takenAt) {
        return new FixtureBackup(dump.name(), "shop/" + takenAt + "/" + dump.name(), takenAt, "postgres",
                dump.serverVersion(), "pg_dump-custom", dump.rowCounts(), dump.canary(), streaming(dump.file()));
    }

    /** Streams {@code source} and records it as the {@code fetch} step at its end. */
    public static Opener streaming(Path source) {
        return (steps, within) -> new FileStream(source, steps, null);
    }

    /**
     * Streams {@code source} whole, then fails where a real backup verifies its checksum: the
     * restore tool has seen a complete archive by then.
     */
    public static Opener failingAtEnd(Path source, BackupReadException atEnd) {
        return (steps, within) -> new FileStream(source, steps, atEnd);
    }

    /** Fails at the first read, as a bucket that cannot be reached does. */
    public static Opener failingAtStart(BackupReadException failure) {
        return (steps, within) -> new InputStream() {
            @Override
            public int read() throws IOException {
                throw failure;
            }
        };
    }

    @Override
    public InputStream open(StepRecorder steps) {
        return opener.open(steps, Sandbox.RESTORE_LIMIT);
    }

    @Override
    public InputStream open(StepRecorder steps, Duration within) {
        return opener.open(steps, within);
    }

    public FixtureBackup named(String newName) {
        return new FixtureBackup(newName, backupId, takenAt, engine, serverVersion, dumpFormat, rowCounts, canary, opener);
    }

    public FixtureBackup withRowCounts(Map<String, Long> counts) {
        return new FixtureBackup(name, backupId, takenAt, engine, serverVersion, dumpFormat, counts, canary, opener);
    }

    public FixtureBackup withCanary(Optional<CanaryRow> row) {
        return new FixtureBackup(name, backupId, takenAt, engine, serverVersion, dumpFormat, rowCounts, row, opener);
    }

    public FixtureBackup withServerVersion(String version) {
        return new FixtureBackup(name, backupId, takenAt, engine, version, dumpFormat, rowCounts, canary, opener);
    }

    public FixtureBackup withOpener(Opener o) {
        return new FixtureBackup(name, backupId, takenAt, engine, serverVersion, dumpFormat, rowCounts, canary, o);
    }

    @Override
    public String toString() {
        return name;
    }

    /** A file opened at the first read; at its end the fetch step is recorded and {@code atEnd}, if any, thrown. */
    private static final class FileStream extends InputStream {
        private final Path source;
        private final StepRecorder steps;
        private final BackupReadException atEnd;
        private final long t0 = System.nanoTime();
        private InputStream in;
        private long count;
        private boolean ended;

        FileStream(Path source, StepRecorder steps, BackupReadException atEnd) {
            this.source = source;
            this.steps = steps;
            this.atEnd = atEnd;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (in == null) {
                in = Files.newInputStream(source);
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                return n;
            }
            if (!ended) {
                ended = true;
                steps.record("fetch", Outcome.PASSED, Duration.ofNanos(System.nanoTime() - t0),
                        "streamed " + count + " bytes from " + source.getFileName());
                if (atEnd != null) {
                    steps.record("verify", Outcome.FAILED, Duration.ofMillis(3), "SHA-256 differs from the manifest");
                }
            }
            if (atEnd != null) {
                throw atEnd;
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
