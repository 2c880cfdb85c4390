package io.lifeboat.drills.testing;

import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.StepRecorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link DrillBackup} for tests: manifest facts given directly, and a dump that is "fetched"
 * by copying a local file (or a materialization that fails the way a real one would). It plays
 * the orchestrator's part without S3, so the drill library is tested on real dumps alone.
 *
 * @param name         the fixture's name, after its defect ({@code truncated.dump}, {@code stale-30h}, …)
 * @param materializer how the dump gets into the runner's file
 */
public record FixtureBackup(String name, String backupId, Instant takenAt, String engine, String serverVersion,
                            String dumpFormat, Map<String, Long> rowCounts, Optional<CanaryRow> canary,
                            Materializer materializer) implements DrillBackup {

    /** What {@link DrillBackup#materialize} does for this fixture. */
    @FunctionalInterface
    public interface Materializer {
        void materialize(Path file, StepRecorder steps) throws BackupDefectException, BackupUnavailableException;
    }

    public FixtureBackup {
        Objects.requireNonNull(name, "name");
        rowCounts = Map.copyOf(rowCounts);
    }

    /** A backup of {@code dump} whose manifest agrees with it, taken at {@code takenAt}. */
    public static FixtureBackup of(DumpFixtures.Dump dump, Instant takenAt) {
        return new FixtureBackup(dump.name(), "shop/" + takenAt + "/" + dump.name(), takenAt, "postgres",
                dump.serverVersion(), "pg_dump-custom", dump.rowCounts(), dump.canary(), copying(dump.file()));
    }

    /** Copies {@code source} into the runner's file and records it as the {@code fetch} step. */
    public static Materializer copying(Path source) {
        return (file, steps) -> {
            long t0 = System.nanoTime();
            try {
                Files.copy(source, file, StandardCopyOption.REPLACE_EXISTING);
                steps.record("fetch", Outcome.PASSED, Duration.ofNanos(System.nanoTime() - t0),
                        "copied " + Files.size(file) + " bytes from " + source.getFileName());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public void materialize(Path file, StepRecorder steps) throws BackupDefectException, BackupUnavailableException {
        materializer.materialize(file, steps);
    }

    public FixtureBackup named(String newName) {
        return new FixtureBackup(newName, backupId, takenAt, engine, serverVersion, dumpFormat, rowCounts, canary, materializer);
    }

    public FixtureBackup withRowCounts(Map<String, Long> counts) {
        return new FixtureBackup(name, backupId, takenAt, engine, serverVersion, dumpFormat, counts, canary, materializer);
    }

    public FixtureBackup withCanary(Optional<CanaryRow> row) {
        return new FixtureBackup(name, backupId, takenAt, engine, serverVersion, dumpFormat, rowCounts, row, materializer);
    }

    public FixtureBackup withServerVersion(String version) {
        return new FixtureBackup(name, backupId, takenAt, engine, version, dumpFormat, rowCounts, canary, materializer);
    }

    public FixtureBackup withMaterializer(Materializer m) {
        return new FixtureBackup(name, backupId, takenAt, engine, serverVersion, dumpFormat, rowCounts, canary, m);
    }

    @Override
    public String toString() {
        return name;
    }
}
