package io.lifeboat.drill;

import io.lifeboat.config.StateFiles;
import io.lifeboat.drills.DrillResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Drill results on local disk: one JSON file per run under {@code <state_dir>/drills/<drill>/},
 * named so that names sort by time. Written to a temporary file and renamed, so a reader never
 * sees half a result: the full story of each run (steps, every check's detail). The catalog holds
 * every node's runs and is what lists and reports read.
 */
public final class DrillResultStore {
    private final Path root;

    public DrillResultStore(Path stateDir) {
        this.root = stateDir.resolve("drills");
    }

    /** Persists a result; returns the file. */
    public Path save(DrillResult result) {
        try {
            Path dir = root.resolve(result.drill());
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            String name = result.startedAt().toString().replace(":", "") + "-" + result.runId() + ".json";
            Path tmp = dir.resolve("." + name + ".tmp");
            Files.writeString(tmp, DrillResultJson.write(result) + "\n", StandardCharsets.UTF_8);
            Path file = dir.resolve(name);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
            StateFiles.adopt(root.getParent(), file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the drill result under " + root + ": " + e.getMessage(), e);
        }
    }
}
