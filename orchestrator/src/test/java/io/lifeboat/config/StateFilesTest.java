package io.lifeboat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.catalog.CatalogDatabase;
import io.lifeboat.catalog.JobKind;
import io.lifeboat.catalog.JobLocks;
import io.lifeboat.restore.JsonLinesRestoreJournal;
import io.lifeboat.restore.RestoreJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person runs lifeboat with sudo in the service account's state directory (a first backup, a
 * drill on demand, an approval): what root creates there must stay usable by the service. These
 * tests need root (as CI and the restore tests do): they hand a state directory to {@code nobody}.
 */
class StateFilesTest {

    private static final int NOBODY = 65534;

    @TempDir
    Path parent;

    private Path state;

    @BeforeEach
    void stateDirectoryOfAnotherUser() throws IOException {
        assertEquals(0, (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"), "these tests run as root");
        Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        state = Files.createDirectory(parent.resolve("state"));
        Files.setAttribute(state, "unix:uid", NOBODY);
        Files.setAttribute(state, "unix:gid", NOBODY);
    }

    @Test
    void theCatalogLocksAndJournalRootCreatesBelongToTheStateDirectorysOwner() throws Exception {
        CatalogDatabase db = CatalogDatabase.open(CatalogConfig.inStateDir(state));
        try {
            Optional<JobLocks.Held> held = new JobLocks(state, db).tryAcquire(JobKind.BACKUP, "shop");
            assertTrue(held.isPresent());
            held.get().close();
        } finally {
            db.close();
        }
        new JsonLinesRestoreJournal(state).record(new RestoreJournal.Entry(Instant.now(), RestoreJournal.Event.REQUESTED,
                "r1", "shop", "b1", "shop_restored", 0, "root", "test"));

        List<Path> made;
        try (var files = Files.walk(state)) {
            made = files.filter(p -> !p.equals(state)).toList();
        }
        assertTrue(made.stream().anyMatch(p -> p.getFileName().toString().endsWith(".mv.db")), made.toString());
        assertTrue(made.stream().anyMatch(p -> p.getFileName().toString().endsWith(".lock")), made.toString());
        assertTrue(made.stream().anyMatch(p -> p.getFileName().toString().equals("restore-journal.jsonl")), made.toString());
        for (Path p : made) {
            assertEquals(NOBODY, (Integer) Files.getAttribute(p, "unix:uid"), p + " belongs to the state directory's owner");
        }
        // and the service account can really use them: open the catalog as nobody
        Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", "test", "-w", made.stream()
                .filter(f -> f.getFileName().toString().endsWith(".mv.db")).findFirst().orElseThrow().toString())
                .inheritIO().start();
        assertEquals(0, p.waitFor(), "nobody can write the catalog file root created");
    }

    @Test
    void aStateDirectoryOfRootStaysRoots() throws Exception {
        Files.setAttribute(state, "unix:uid", 0);
        Files.setAttribute(state, "unix:gid", 0);
        CatalogDatabase.open(CatalogConfig.inStateDir(state)).close();
        try (var files = Files.walk(state)) {
            for (Path p : files.toList()) {
                assertEquals(0, (Integer) Files.getAttribute(p, "unix:uid"), p.toString());
            }
        }
    }
}
