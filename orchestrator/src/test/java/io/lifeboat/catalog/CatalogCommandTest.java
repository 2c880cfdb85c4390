package io.lifeboat.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Application;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.testing.TestClusters;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.SampleSource;
import io.lifeboat.testing.TestDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog through the real commands: {@code backup run} and {@code drill run} record their
 * runs (failed ones too), {@code catalog sync} rebuilds the backup entries of a lost catalog from
 * the bucket's manifests, and a job whose lock is held is not started a second time.
 */
class CatalogCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDirs sourceDirs;
    private static SampleSource source;

    @BeforeAll
    static void startSource() throws IOException {
        sourceDirs = TestDirs.create("catalog-cli-source");
        TestClusters.openForServer(sourceDirs.dir);
        source = SampleSource.start(sourceDirs.dir, 2_000);
    }

    @AfterAll
    static void stopSource() {
        source.close();
        sourceDirs.close();
    }

    private TestDirs dirs;

    @BeforeEach
    void makeDir() {
        dirs = TestDirs.create("catalog-cli");
    }

    @AfterEach
    void removeDir() {
        dirs.close();
    }

    /** A configuration with its own state directory (and so its own H2 catalog) and repository. */
    private Path config(Path stateDir, int port) throws IOException {
        Path cfg = source.writeConfig("url: file://" + dirs.dir.resolve("repo"), port, """
                drills:
                  shop-drill:
                    source: shop
                    sandbox: ephemeral
                    checks:
                      - { name: orders, sql: SELECT count(*) FROM orders, expect: ">= 2000" }
                """, false);
        String text = Files.readString(cfg).replace("state_dir: " + sourceDirs.dir.resolve("state"), "state_dir: " + stateDir);
        Path mine = dirs.dir.resolve("lifeboat-" + System.nanoTime() + ".yaml");
        Files.writeString(mine, text);
        return mine;
    }

    private static Catalog catalog(Path cfg) {
        Application app = Application.standard();
        LifeboatConfig config = app.loadConfig(cfg);
        return app.catalog(config);
    }

    @Test
    void backupAndDrillRunsAreRecordedAndSyncRebuildsALostCatalog() throws IOException {
        Path state = dirs.dir.resolve("state");
        Path cfg = config(state, source.port());
        Cli.Run b1 = Cli.run("--config", cfg.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, b1.exitCode(), b1.all());
        String id1 = JSON.readTree(b1.out()).get("backup_id").asText();
        Cli.Run d = Cli.run("--config", cfg.toString(), "drill", "run", "shop-drill");
        assertEquals(0, d.exitCode(), d.all());
        Path unreachable = config(state, 1);
        Cli.Run failed = Cli.run("--config", unreachable.toString(), "backup", "run", "shop");
        assertTrue(failed.exitCode() == 1 || failed.exitCode() == 3, failed.all());

        Catalog catalog = catalog(cfg);
        List<BackupRecord> backups = catalog.backupRuns("shop", 10);
        assertEquals(2, backups.size(), backups.toString());
        assertEquals(BackupOutcome.SUCCEEDED, backups.get(1).outcome());
        assertEquals(id1, backups.get(1).backupId().orElseThrow());
        assertTrue(backups.get(1).storedBytes() > 0);
        assertEquals(RunOrigin.CLI, backups.get(1).origin());
        assertTrue(backups.get(0).outcome() != BackupOutcome.SUCCEEDED && !backups.get(0).reason().isBlank(), backups.get(0).toString());
        assertFalse(backups.get(0).reason().contains(source.password()));

        List<DrillRecord> drills = catalog.drillRuns("shop-drill", 10);
        assertEquals(1, drills.size());
        DrillRecord drill = drills.get(0);
        assertEquals(Outcome.PASSED, drill.outcome());
        assertEquals(id1, drill.backupId().orElseThrow());
        assertTrue(drill.restoreDuration().isPresent() && drill.backupAge().isPresent(), drill.toString());

        // A second backup, then the host is "lost": a new state directory knows nothing until sync.
        Cli.Run b2 = Cli.run("--config", cfg.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, b2.exitCode(), b2.all());
        Path fresh = config(dirs.dir.resolve("new-host-state"), source.port());
        assertEquals(List.of(), catalog(fresh).backupRuns("shop", 10));
        Cli.Run sync = Cli.run("--config", fresh.toString(), "catalog", "sync", "--format", "json");
        assertEquals(0, sync.exitCode(), sync.all());
        JsonNode doc = JSON.readTree(sync.out()).get("sources").get(0);
        assertEquals(2, doc.get("listed").asInt());
        assertEquals(2, doc.get("added").asInt());
        List<BackupRecord> rebuilt = catalog(fresh).backupRuns("shop", 10);
        assertEquals(2, rebuilt.size());
        assertTrue(rebuilt.stream().allMatch(r -> r.origin() == RunOrigin.SYNC && r.outcome() == BackupOutcome.SUCCEEDED
                && r.storedBytes() > 0));
        Cli.Run again = Cli.run("--config", fresh.toString(), "catalog", "sync", "--format", "json");
        assertEquals(0, JSON.readTree(again.out()).get("sources").get(0).get("added").asInt(), "a second sync adds nothing");
        // The original catalog had both already: sync keeps its own records.
        Cli.Run original = Cli.run("--config", cfg.toString(), "catalog", "sync", "--format", "json");
        assertEquals(0, JSON.readTree(original.out()).get("sources").get(0).get("added").asInt(), original.all());
    }

    /**
     * The catalog is the record, not a precondition: with its H2 file damaged, a backup and a drill
     * still run (the H2 catalog opens while the job starts), each says that its run is not recorded
     * and why, and the damaged file is left as it was for a person to look at.
     */
    @Test
    void aCatalogThatCannotBeOpenedStopsNeitherABackupNorADrill() throws IOException {
        Path state = dirs.dir.resolve("state");
        Files.createDirectories(state);
        Path h2 = state.resolve("lifeboat.mv.db");
        byte[] damaged = "not an H2 file: the catalog was damaged here\n".repeat(400).getBytes(StandardCharsets.US_ASCII);
        Files.write(h2, damaged);
        Path cfg = config(state, source.port());

        Cli.Run backup = Cli.run("--config", cfg.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, backup.exitCode(), backup.all());
        assertTrue(backup.err().contains("warning: the run is not recorded: cannot open the catalog"), backup.err());
        JsonNode doc = JSON.readTree(backup.out());
        assertEquals("ok", doc.get("status").asText());
        assertTrue(doc.get("warnings").toString().contains("the run is not recorded"), doc.toString());
        assertTrue(Files.exists(dirs.dir.resolve("repo").resolve("shop")), "the backup was stored");

        Cli.Run drill = Cli.run("--config", cfg.toString(), "drill", "run", "shop-drill");
        assertEquals(0, drill.exitCode(), drill.all());
        assertTrue(drill.err().contains("the run is not recorded: cannot open the catalog"), drill.err());
        assertArrayEquals(damaged, Files.readAllBytes(h2), "the damaged catalog is left as it was");
    }

    @Test
    void aJobWhoseLockIsHeldIsNotStartedTwice() throws IOException {
        Path state = dirs.dir.resolve("state");
        Path cfg = config(state, source.port());
        Catalog catalog = catalog(cfg);
        try (JobLocks.Held held = new JobLocks(state, catalog.database()).tryAcquire(JobKind.BACKUP, "shop").orElseThrow()) {
            Cli.Run second = Cli.run("--config", cfg.toString(), "backup", "run", "shop");
            assertEquals(3, second.exitCode(), second.all());
            assertTrue(second.err().contains("backup.shop is running already"), second.err());
        }
        assertEquals(List.of(), catalog.backupRuns("shop", 10), "a run that never started is not recorded");
        Cli.Run after = Cli.run("--config", cfg.toString(), "backup", "run", "shop");
        assertEquals(0, after.exitCode(), after.all());
    }

    @Test
    void catalogSyncHasHelpAndExitCodes() {
        Cli.Run help = Cli.run("catalog", "sync", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("Exit codes:") && help.out().contains("read credentials"), help.out());
    }
}
