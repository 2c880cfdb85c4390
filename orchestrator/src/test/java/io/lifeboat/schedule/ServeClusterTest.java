package io.lifeboat.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.Application;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.testing.ServeProcess;
import io.lifeboat.testing.TestDirs;
import io.lifeboat.testing.ThrowawayPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two {@code serve} processes — two JVMs, two state directories as on two hosts — sharing one
 * PostgreSQL job store and catalog (a throwaway database on the machine's server). A backup fires
 * every two seconds; every firing runs exactly once across the pair (counted in the catalog);
 * then one node is killed without warning and the survivor carries on alone.
 */
class ServeClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private TestDirs dirs;
    private ThrowawayPostgres pg;

    @BeforeEach
    void setUp() {
        dirs = TestDirs.create("serve-cluster");
        pg = ThrowawayPostgres.create("cluster");
    }

    @AfterEach
    void tearDown() {
        pg.close();
        dirs.close();
    }

    private Path config(String node, String recipient) throws Exception {
        Path file = dirs.dir.resolve(node + ".yaml");
        Files.writeString(file, """
                state_dir: %s
                catalog: { url: "%s", user: postgres }
                schedule: { trigger_poll: 1s, shutdown_timeout: 30s }
                sources:
                  shop: { engine: postgres, host: 127.0.0.1, port: 1, database: shop, user: postgres, target: vault, schedule: "*/2 * * * * ?" }
                targets:
                  vault: { url: "file://%s" }
                encryption:
                  recipients: [ "%s" ]
                """.formatted(dirs.dir.resolve("state-" + node), pg.jdbcUrl(), dirs.dir.resolve("repo"), recipient));
        return file;
    }

    @Test
    void eachFiringRunsOnceAcrossTwoNodesAndTheSurvivorTakesOver() throws Exception {
        String recipient = AgeEncryption.generateKeyPair().recipient();
        Path a = config("a", recipient);
        Path b = config("b", recipient);
        Application app = Application.standard();
        Catalog catalog = app.catalog(app.loadConfig(a));
        try (ServeProcess nodeA = ServeProcess.start(a, dirs.dir.resolve("a.log"));
             ServeProcess nodeB = ServeProcess.start(b, dirs.dir.resolve("b.log"))) {
            nodeA.awaitLog(l -> l.contains(" running"), WAIT, "node a");
            nodeB.awaitLog(l -> l.contains(" running"), WAIT, "node b");
            assertTrue(nodeA.logText().contains("(clustered)"), nodeA.logText());
            waitForRuns(catalog, 8);
            Thread.sleep(1000); // let a firing under way finish, so logs and catalog agree
            List<BackupRecord> both = runs(catalog);
            List<String> fires = fireTimes(nodeA, nodeB);
            assertEquals(fires.stream().distinct().count(), fires.size(), "a firing ran on both nodes: " + fires);
            assertTrue(fires.size() >= both.size() && fires.size() <= both.size() + 1,
                    "log start lines " + fires.size() + " vs catalog rows " + both.size());
            assertFalse(nodeA.logText().contains("running already") || nodeB.logText().contains("running already"),
                    "a second node started the same firing and was stopped only by the job lock");
            Map<String, Long> perNode = both.stream().collect(Collectors.groupingBy(BackupRecord::node, Collectors.counting()));

            // Kill the node that ran the newest firing (or a, if b never ran one): the other must carry on.
            String newestNode = both.get(both.size() - 1).node();
            ServeProcess victim = newestNode.endsWith(":" + nodeB.pid()) ? nodeB : nodeA;
            ServeProcess survivor = victim == nodeA ? nodeB : nodeA;
            victim.kill();
            Instant killed = Instant.now();
            int before = runs(catalog).size();
            waitForRuns(catalog, before + 6);
            List<BackupRecord> after = runs(catalog).stream().filter(r -> r.startedAt().isAfter(killed.plusSeconds(1))).toList();
            assertFalse(after.isEmpty());
            assertTrue(after.stream().allMatch(r -> r.node().endsWith(":" + survivor.pid())),
                    "runs after the kill by " + after.stream().map(BackupRecord::node).distinct().toList() + ", nodes before: " + perNode);
            List<String> all = fireTimes(nodeA, nodeB);
            assertEquals(all.stream().distinct().count(), all.size(), "a firing ran twice: " + all);
            assertTrue(all.size() >= runs(catalog).size(), "every recorded run was a logged firing");
            assertTrue(runs(catalog).stream().allMatch(r -> r.origin() == RunOrigin.SCHEDULE));
            assertEquals(0, survivor.terminate(WAIT), survivor.logText());
        }
    }

    private static List<BackupRecord> runs(Catalog catalog) {
        List<BackupRecord> runs = new ArrayList<>(catalog.backupRuns("shop", 1000));
        runs.sort(Comparator.comparing(BackupRecord::startedAt));
        return runs;
    }

    private static void waitForRuns(Catalog catalog, int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (catalog.backupRuns("shop", 1000).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + n + " runs within " + WAIT + ": " + catalog.backupRuns("shop", 1000));
            }
            Thread.sleep(250);
        }
    }

    /** The scheduled fire time of every run either node logged. */
    private static List<String> fireTimes(ServeProcess... nodes) {
        List<String> fires = new ArrayList<>();
        for (ServeProcess n : nodes) {
            n.logText().lines().filter(l -> l.contains("job backup.shop start (schedule, fire time "))
                    .map(l -> l.substring(l.indexOf("fire time ") + 10, l.lastIndexOf(')'))).forEach(fires::add);
        }
        return fires;
    }
}
