package io.lifeboat.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Application;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.ServeProcess;
import io.lifeboat.testing.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lifeboat serve} as a process of its own on an H2 catalog: schedules fire (every two
 * seconds here), each run is recorded; a trigger from another process runs a job in the scheduler;
 * SIGHUP reconciles a changed configuration; SIGTERM stops it with exit 0; a fire time missed
 * while it was down runs exactly once at the next start.
 *
 * <p>The jobs are real and fail fast: the source's port is closed (backup ERRORED), and the drill's
 * repository is empty (drill FAILED: nothing to restore). What is tested is that they run, when,
 * how often, and that the catalog says so.
 */
class ServeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private TestDirs dirs;
    private String recipient;

    @BeforeEach
    void setUp() {
        dirs = TestDirs.create("serve");
        recipient = AgeEncryption.generateKeyPair().recipient();
    }

    @AfterEach
    void tearDown() {
        dirs.close();
    }

    private Path config(String name, String shopSchedule, String extraDrills) throws Exception {
        Path file = dirs.dir.resolve(name);
        Files.writeString(file, """
                state_dir: %s
                schedule: { trigger_poll: 1s, shutdown_timeout: 30s, metrics_file: %s }
                sources:
                  shop:  { engine: postgres, host: 127.0.0.1, port: 1, database: shop, user: postgres, target: vault%s }
                  quiet: { engine: postgres, host: 127.0.0.1, port: 1, database: quiet, user: postgres, target: vault }
                targets:
                  vault: { url: "file://%s" }
                encryption:
                  recipients: [ "%s" ]
                  identity_file: %s
                drills:
                  quiet-drill: { source: quiet }
                %s
                """.formatted(dirs.dir.resolve("state"), dirs.dir.resolve("lifeboat.prom"),
                shopSchedule == null ? "" : ", schedule: \"" + shopSchedule + "\"", dirs.dir.resolve("repo"), recipient,
                dirs.dir.resolve("drill.agekey"), extraDrills.indent(2)));
        return file;
    }

    private static Catalog catalog(Path config) {
        Application app = Application.standard();
        LifeboatConfig c = app.loadConfig(config);
        return app.catalog(c);
    }

    private static <T> T await(Supplier<T> value, java.util.function.Predicate<T> until, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T v = value.get();
        while (!until.test(v)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + WAIT + "; last seen: " + v);
            }
            Thread.sleep(250);
            v = value.get();
        }
        return v;
    }

    @Test
    void schedulesFireTriggersRunSighupReconcilesAndSigtermStops() throws Exception {
        Path cfg = config("lifeboat.yaml", "*/2 * * * * ?", "");
        try (ServeProcess serve = ServeProcess.start(cfg, dirs.dir.resolve("serve.log"))) {
            serve.awaitLog(l -> l.contains(" running"), WAIT, "start");
            assertTrue(serve.logText().contains("added backup.quiet backup.shop drill.quiet-drill"), serve.logText());
            Catalog catalog = catalog(cfg);

            List<BackupRecord> runs = await(() -> catalog.backupRuns("shop", 50), r -> r.size() >= 3, "three scheduled backups");
            assertTrue(runs.stream().allMatch(r -> r.origin() == RunOrigin.SCHEDULE), runs.toString());
            assertTrue(runs.stream().noneMatch(r -> r.reason().isBlank()));
            serve.awaitLog(l -> l.contains("job backup.shop start (schedule, fire time ") && l.contains("job backup.shop end ERRORED"), WAIT,
                    "job start and end lines");
            assertEquals(List.of(), catalog.backupRuns("quiet", 10), "a source without a schedule never runs on its own");

            // A trigger from another process (this test's JVM) runs the drill in the scheduler's.
            Cli.Run trigger = Cli.run("--config", cfg.toString(), "trigger", "drill", "quiet-drill", "--wait", "--format", "json");
            assertEquals(0, trigger.exitCode(), trigger.all() + "\n" + serve.logText());
            JsonNode doc = new ObjectMapper().readTree(trigger.out());
            assertEquals("claimed", doc.get("status").asText());
            assertTrue(doc.get("claimed_by").asText().endsWith(":" + serve.pid()), doc.toString());
            List<DrillRecord> drills = await(() -> catalog.drillRuns("quiet-drill", 10), d -> !d.isEmpty(), "the triggered drill");
            assertEquals(RunOrigin.TRIGGER, drills.get(0).origin());
            assertTrue(drills.get(0).node().endsWith(":" + serve.pid()), "the drill ran in the scheduler's process");
            assertTrue(drills.get(0).reason().contains("nothing to restore"), drills.get(0).reason());
            // The metrics file is rewritten after the run is recorded: wait for it rather than race it.
            await(this::metrics, m -> m.contains("lifeboat_drill_last_outcome{drill=\"quiet-drill\",outcome=\"FAILED\"} 1"),
                    "the metrics file following the runs");

            // SIGHUP: shop loses its schedule, a new drill appears, quiet-drill goes.
            Files.writeString(cfg, Files.readString(config("next.yaml", null, "daily: { source: quiet, schedule: \"0 0 4 * * ?\" }"))
                    .replace("  quiet-drill: { source: quiet }\n", ""));
            serve.signal("HUP");
            serve.awaitLog(l -> l.contains("SIGHUP: reconciled"), WAIT, "reconcile");
            String reconcile = serve.logText().lines().filter(l -> l.contains("SIGHUP: reconciled")).findFirst().orElseThrow();
            assertTrue(reconcile.contains("added drill.daily") && reconcile.contains("changed backup.shop")
                    && reconcile.contains("removed drill.quiet-drill"), reconcile);
            Thread.sleep(1500); // a fire that was under way may still finish
            int before = catalog.backupRuns("shop", 100).size();
            Thread.sleep(5000);
            assertEquals(before, catalog.backupRuns("shop", 100).size(), "backup.shop still fires after its schedule was removed");

            assertEquals(0, serve.terminate(WAIT), serve.logText());
            assertTrue(serve.logText().contains("stopping: no new jobs") && serve.logText().strip().endsWith("stopped"), serve.logText());
        }
    }

    private String metrics() {
        try {
            Path file = dirs.dir.resolve("lifeboat.prom");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * A target's {@code audit_schedule} becomes a job of its own that runs the audit, records it in
     * the catalog and shows in the metrics file; a target without one gets no audit job.
     */
    @Test
    void anAuditScheduleRunsTheAuditAndRecordsIt() throws Exception {
        Path cfg = config("lifeboat.yaml", null, "").getParent().resolve("audit.yaml");
        Files.writeString(cfg, Files.readString(config("lifeboat.yaml", null, "")).replace("targets:\n",
                "targets:\n  offsite: { url: \"file://" + dirs.dir.resolve("offsite") + "\", audit_schedule: \"0/2 * * * * ?\" }\n"));
        try (ServeProcess serve = ServeProcess.start(cfg, dirs.dir.resolve("serve-audit.log"))) {
            serve.awaitLog(l -> l.contains(" running"), WAIT, "start");
            assertTrue(serve.logText().contains("added audit.offsite backup.quiet backup.shop drill.quiet-drill"), serve.logText());
            Catalog catalog = catalog(cfg);
            var audits = await(catalog::latestAudits, a -> a.containsKey("offsite"), "a scheduled audit");
            assertFalse(audits.containsKey("vault"), "a target without audit_schedule is not audited on its own");
            assertEquals(io.lifeboat.catalog.AuditOutcome.FAIL, audits.get("offsite").outcome());
            assertEquals(RunOrigin.SCHEDULE, audits.get("offsite").origin());
            assertTrue(audits.get("offsite").worst().contains("inside the blast radius"), audits.get("offsite").worst());
            serve.awaitLog(l -> l.contains("job audit.offsite end FAIL: FAIL target location"), WAIT, "the audit's end line");
            await(this::metrics, m -> m.contains("lifeboat_audit_last_outcome{target=\"offsite\",outcome=\"FAIL\"} 1"),
                    "the audit in the metrics file");
            assertEquals(0, serve.terminate(WAIT), serve.logText());
        }
    }

    @Test
    void aFireMissedWhileDownRunsOnceAtTheNextStart() throws Exception {
        Path cfg = config("lifeboat.yaml", "0 0 3 * * ?", "");
        try (ServeProcess first = ServeProcess.start(cfg, dirs.dir.resolve("first.log"))) {
            first.awaitLog(l -> l.contains(" running"), WAIT, "start");
            assertEquals(0, first.terminate(WAIT), first.logText());
        }
        Catalog catalog = catalog(cfg);
        // The scheduler was "down" at the fire time: move the stored next fire time two hours back.
        try (Connection c = catalog.database().connect();
             PreparedStatement p = c.prepareStatement("UPDATE QRTZ_TRIGGERS SET NEXT_FIRE_TIME = ? WHERE TRIGGER_NAME = 'backup.shop'")) {
            p.setLong(1, System.currentTimeMillis() - Duration.ofHours(2).toMillis());
            assertEquals(1, p.executeUpdate());
        }
        assertEquals(List.of(), catalog.backupRuns("shop", 10));
        try (ServeProcess second = ServeProcess.start(cfg, dirs.dir.resolve("second.log"))) {
            second.awaitLog(l -> l.contains("job backup.shop end"), WAIT, "the missed backup");
            assertTrue(second.logText().contains("added none, changed none, removed none"), "a restart must keep the pending misfire:\n"
                    + second.logText());
            Thread.sleep(4000);
            List<BackupRecord> runs = catalog.backupRuns("shop", 10);
            assertEquals(1, runs.size(), "the missed fire runs once, not once per missed day: " + runs);
            assertEquals(RunOrigin.SCHEDULE, runs.get(0).origin());
            assertFalse(second.logText().contains("job backup.quiet"), second.logText());
            assertEquals(0, second.terminate(WAIT), second.logText());
        }
    }

    /**
     * A backup stuck on a server that accepts connections and never answers: SIGTERM stops new
     * work and waits for it. When the job ends within shutdown_timeout, serve exits 0 after it;
     * when it does not, serve exits 3 at the timeout and says which job was still running.
     */
    @Test
    void sigtermWaitsForTheRunningJobUpToTheShutdownTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test closed the server
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Path cfg = config("lifeboat.yaml", null, "");
            Files.writeString(cfg, Files.readString(cfg).replace("shutdown_timeout: 30s", "shutdown_timeout: 4s")
                    .replace("shop:  { engine: postgres, host: 127.0.0.1, port: 1,", "shop:  { engine: postgres, host: 127.0.0.1, port: "
                            + silent.getLocalPort() + ","));

            // 1. The job ends while serve waits: exit 0 after the job's end line.
            try (ServeProcess serve = ServeProcess.start(cfg, dirs.dir.resolve("wait.log"))) {
                serve.awaitLog(l -> l.contains(" running"), WAIT, "start");
                assertEquals(0, Cli.run("--config", cfg.toString(), "trigger", "backup", "shop", "--wait").exitCode());
                serve.awaitLog(l -> l.contains("job backup.shop start (trigger)"), WAIT, "the stuck backup");
                Thread.sleep(500);
                java.lang.ProcessHandle.of(serve.pid()).orElseThrow().destroy(); // SIGTERM, without waiting here
                serve.awaitLog(l -> l.contains("stopping: no new jobs; waiting up to 4 s for [backup.shop]"), WAIT, "the stop");
                for (java.net.Socket s : held) {
                    s.close(); // the server "answers" by hanging up: the backup ends ERRORED
                }
                assertEquals(0, serve.terminate(WAIT), serve.logText());
                String log = serve.logText();
                assertTrue(log.indexOf("job backup.shop end ERRORED") > log.indexOf("stopping: no new jobs"), log);
                assertTrue(log.strip().endsWith("stopped"), log);
            }
            held.clear();

            // 2. The job does not end: exit 3 when the timeout runs out, naming the job.
            try (ServeProcess serve = ServeProcess.start(cfg, dirs.dir.resolve("timeout.log"))) {
                serve.awaitLog(l -> l.contains(" running"), WAIT, "start");
                assertEquals(0, Cli.run("--config", cfg.toString(), "trigger", "backup", "shop", "--wait").exitCode());
                serve.awaitLog(l -> l.contains("job backup.shop start (trigger)"), WAIT, "the stuck backup");
                long t0 = System.nanoTime();
                assertEquals(3, serve.terminate(WAIT), serve.logText());
                assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(4)) >= 0, "it did not wait");
                assertTrue(serve.logText().contains("stopped with jobs still running (their runs end with the process): [backup.shop]"),
                        serve.logText());
            }
        }
    }
}
