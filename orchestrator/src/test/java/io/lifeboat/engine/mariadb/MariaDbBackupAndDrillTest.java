package io.lifeboat.engine.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Application;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.Manifest;
import io.lifeboat.backup.ManifestCodec;
import io.lifeboat.backup.Progress;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.drills.docker.SandboxContainer;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.testing.DockerEngine;
import io.lifeboat.drills.testing.MachineMariaDb;
import io.lifeboat.drills.testing.TestClusters;
import io.lifeboat.engine.DumpFailedException;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.MariaDbSampleSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.DockerClientFactory;

/**
 * MariaDB end to end through the real CLI: {@code lifeboat backup run} of a throwaway database
 * on the machine's MariaDB (triggers, a function, a view, emoji, binary data; a login with a
 * password), then {@code lifeboat drill run} into an ephemeral private MariaDB and into a docker
 * sandbox; the stock-tools
 * restore; a backup that does not restore; what the dump process can be seen to hold.
 */
class MariaDbBackupAndDrillTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static MariaDbSampleSource source;

    @BeforeAll
    static void startSource() throws IOException {
        TestClusters.openForServer(shared);
        source = MariaDbSampleSource.start(shared, 150_000); // ~15 MB of dump: long enough to kill mid-stream
    }

    @AfterAll
    static void dropSource() {
        source.close();
    }

    @TempDir
    Path dir;

    private static final String CHECKS = """
            drills:
              shop-drill:
                source: shop
                sandbox: ephemeral
                max_backup_age: 1h
                max_restore_time: 10m
                checks:
                  - name: orders present
                    sql: SELECT COUNT(*) FROM orders
                    expect: "= 1000"
                  - name: recent orders
                    sql: SELECT MAX(created_at) > NOW() - INTERVAL 2 DAY FROM orders
                    expect: "= 1"
                  - name: the view and the function agree
                    sql: SELECT COUNT(*) FROM order_totals t WHERE t.total <> order_total(t.id)
                    expect: "= 0"
                  - name: emoji survive
                    sql: SELECT name FROM customers WHERE id = 1
                    expect: "= Customer 1 \\U0001F6A2"
                  - name: binary data survives
                    sql: SELECT COUNT(*) FROM products WHERE thumbnail = CONCAT(UNHEX(MD5(id)), X'00FF0D0A09', UNHEX(SHA2(id, 256)))
                    expect: "= 50"
                  - name: trigger rows restored once
                    sql: SELECT COUNT(*) FROM order_audit
                    expect: "= 1000"
            """;

    private Path config() {
        return source.writeConfig("url: file://" + dir.resolve("repo"), CHECKS, true);
    }

    private Path backup(Path config) throws IOException {
        Cli.Run b = Cli.run("--config", config.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, b.exitCode(), b.all());
        assertFalse(b.all().contains(source.password()), "the source password leaked into the output");
        return dir.resolve("repo").resolve(JSON.readTree(b.out()).get("object_key").asText());
    }

    private static Manifest manifestOf(Path object) throws IOException {
        return ManifestCodec.fromJson(Files.readAllBytes(object.resolveSibling(
                object.getFileName().toString().replace(".dump.zst.age", ".manifest.json"))));
    }

    private JsonNode drill(Path config, int expectedExit) throws IOException {
        Cli.Run run = Cli.run("--config", config.toString(), "drill", "run", "shop-drill", "--format", "json");
        assertEquals(expectedExit, run.exitCode(), run.all());
        assertFalse(run.all().contains(source.password()), "the source password leaked into the output");
        return JSON.readTree(run.out());
    }

    @Test
    void backupRecordsTheDumpsRowCountsAndADrillOfItPasses() throws IOException {
        Path config = config();
        Path object = backup(config);
        Manifest m = manifestOf(object);
        assertEquals("mariadb", m.engine());
        assertEquals("mariadb-dump-sql", m.dumpFormat());
        assertTrue(m.serverVersion().contains("MariaDB"), m.serverVersion());
        assertTrue(m.toolVersions().containsKey("mariadb-dump") || m.toolVersions().containsKey("mysqldump"),
                m.toolVersions().toString());
        Map<String, Long> counts = source.rowCounts();
        assertEquals(counts, m.rowCounts(), "the manifest counts what the dump holds, every base table, no views");
        assertEquals(150_000L, m.rowCounts().get("notes"));
        assertEquals(0L, m.rowCounts().get("Empty \"Table\""));
        assertEquals(1L, m.rowCounts().get("lifeboat_canary"));
        assertTrue(m.canary() != null, "the canary was written and recorded");

        JsonNode r = drill(config, 0);
        assertEquals("PASSED", r.get("outcome").asText(), r.toString());
        List<String> checks = r.get("checks").findValuesAsText("name");
        assertTrue(checks.containsAll(List.of("row counts", "canary", "orders present", "the view and the function agree",
                "emoji survive", "binary data survives", "trigger rows restored once")), checks.toString());
        for (JsonNode c : r.get("checks")) {
            assertEquals("PASSED", c.get("status").asText(), c.toString());
        }
        assertTrue(r.toString().contains("ephemeral MariaDB"), r.toString());
    }

    @Test
    void theStockToolsRestoreABackup() throws Exception {
        Path object = backup(config());
        String restored = MachineMariaDb.uniqueName("lifeboat_stock_");
        MachineMariaDb.execute("", "CREATE DATABASE " + restored);
        try {
            // the README's recipe: age -d -i KEY | zstd -d | mariadb DB
            String pipeline = "age -d -i '" + source.identityFile + "' '" + object + "' | zstd -d | "
                    + String.join(" ", MachineMariaDb.client()) + " " + restored;
            ChildProcess.run(List.of("bash", "-o", "pipefail", "-c", pipeline), Map.of(), 300);
            assertEquals(source.rowCounts(), io.lifeboat.drills.testing.MariaDbFixtures.rowCounts(restored));
            assertEquals("Customer 1 \uD83D\uDEA2", MachineMariaDb.execute(restored, "SELECT name FROM customers WHERE id = 1"));
        } finally {
            MachineMariaDb.execute("", "DROP DATABASE IF EXISTS " + restored);
        }
    }

    @Test
    void aBackupThatDoesNotRestoreFailsTheDrillWithTheClientsError() throws IOException {
        // A view on a table of another database: the dump succeeds, but the dump cannot restore
        // anywhere that other database is missing, as in every sandbox.
        String other = MachineMariaDb.uniqueName("lifeboat_other_");
        MachineMariaDb.execute("", "CREATE DATABASE " + other + "; CREATE TABLE " + other + ".rates (r INT);");
        MachineMariaDb.execute(source.database, "CREATE VIEW cross_db AS SELECT r FROM " + other + ".rates");
        MachineMariaDb.execute("", "GRANT SELECT ON " + other + ".* TO '" + source.user + "'@'127.0.0.1'");
        Path config = config();
        try {
            backup(config);
        } finally {
            MachineMariaDb.execute(source.database, "DROP VIEW cross_db");
            MachineMariaDb.execute("", "DROP DATABASE " + other);
        }
        JsonNode r = drill(config, 1);
        assertEquals("FAILED", r.get("outcome").asText(), r.toString());
        String reason = r.get("reason").asText();
        assertTrue(reason.contains("mariadb exited with status 1") && reason.contains("ERROR 1146 (42S02)")
                && reason.contains(other), reason);
    }

    @Test
    void theDumpGetsNoSecretInArgvOrEnvironment() throws Exception {
        Application app = Application.standard();
        LifeboatConfig config = app.loadConfig(config());
        SourceConfig shop = config.source("shop");
        List<String> seen = new ArrayList<>();
        AtomicReference<Path> optionFile = new AtomicReference<>();
        Progress inspector = (raw, stored) -> {
            if (!seen.isEmpty()) {
                return;
            }
            ProcessHandle dump = dumpChild().orElseThrow();
            try {
                String cmdline = Files.readString(Path.of("/proc", Long.toString(dump.pid()), "cmdline")).replace('\0', ' ');
                String environ = Files.readString(Path.of("/proc", Long.toString(dump.pid()), "environ")).replace('\0', '\n');
                seen.add(cmdline);
                seen.add(environ);
                java.util.regex.Matcher f = java.util.regex.Pattern.compile("--defaults-extra-file=(\\S+)").matcher(cmdline);
                if (f.find()) {
                    optionFile.set(Path.of(f.group(1)));
                    seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(optionFile.get())));
                    seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(optionFile.get().getParent())));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        try (StorageTarget writer = app.openForWriting(config.targetOf(shop))) {
            app.pipeline(config, shop, writer).run(shop, inspector);
        }
        assertEquals(4, seen.size(), "the dump's argv, environment and option file must have been inspected: " + seen);
        String cmdline = seen.get(0);
        String environ = seen.get(1);
        assertTrue(cmdline.split(" ")[1].startsWith("--defaults-extra-file="), "the option file is the first argument: " + cmdline);
        assertFalse(cmdline.contains(source.password()), cmdline);
        assertFalse(environ.contains(source.password()));
        assertFalse(environ.contains("MYSQL_PWD"));
        assertFalse(environ.contains("AWS_"), "AWS variables leaked into the dump's environment:\n" + environ);
        assertTrue(System.getenv().containsKey("AWS_SECRET_ACCESS_KEY"),
                "the test JVM must carry AWS_* variables (set in the pom) for this check to mean anything");
        assertEquals("rw-------", seen.get(2));
        assertEquals("rwx------", seen.get(3));
        assertFalse(Files.exists(optionFile.get()), "the temporary option file must be removed after the dump");
    }

    @Test
    void aKilledDumpFailsAndLeavesNothingThatLooksComplete() throws Exception {
        Application app = Application.standard();
        LifeboatConfig config = app.loadConfig(config());
        SourceConfig shop = config.source("shop");
        AtomicReference<String> killed = new AtomicReference<>();
        Progress killer = (raw, stored) -> {
            if (killed.get() == null && raw > 2_000_000) {
                ProcessHandle dump = dumpChild().orElseThrow();
                killed.set("pid " + dump.pid());
                dump.destroyForcibly();
            }
        };
        LifeboatException e;
        try (StorageTarget writer = app.openForWriting(config.targetOf(shop))) {
            e = assertThrows(LifeboatException.class, () -> app.pipeline(config, shop, writer).run(shop, killer));
        }
        assertTrue(killed.get() != null, "mariadb-dump was never seen running");
        assertInstanceOf(DumpFailedException.class, e);
        assertEquals(1, e.exitCode().code());
        assertTrue(e.getMessage().contains("mariadb-dump") && e.getMessage().contains("killed by signal 9"), e.getMessage());
        try (Stream<Path> files = Files.exists(dir.resolve("repo")) ? Files.walk(dir.resolve("repo")) : Stream.empty()) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "no object, no manifest, no partial file");
        }
        assertTrue(dumpChild().isEmpty(), "mariadb-dump must not outlive the failed backup");
    }

    /**
     * The same good backup passes the same checks (triggers, routines, view, emoji, binary data)
     * in each sandbox kind this machine can offer: a private server, and a container without
     * network of the locally built stand-in for {@code mariadb:10.11}, restored into and checked
     * through the {@code mariadb} client inside it; the container is gone afterwards. ({@code server}
     * would need a second MariaDB server: the guard refuses the source's own.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"ephemeral", "docker"})
    void goodBackupPassesInEverySandboxKind(String kind) throws IOException {
        String expectedSandbox = "ephemeral MariaDB";
        if (kind.equals("docker")) {
            DockerEngine.require();
            expectedSandbox = "docker MariaDB";
        }
        Path config = source.writeConfig("url: file://" + dir.resolve("repo"),
                CHECKS.replace("sandbox: ephemeral", "sandbox: " + kind), true);
        backup(config);
        long t0 = System.nanoTime();
        JsonNode r = drill(config, 0);
        System.out.printf("MariaDbBackupAndDrillTest: drill in a %s sandbox %.1f s%n", kind, (System.nanoTime() - t0) / 1e9);
        assertEquals("PASSED", r.get("outcome").asText(), r.toString());
        List<String> checks = r.get("checks").findValuesAsText("name");
        assertTrue(checks.containsAll(List.of("row counts", "canary", "the view and the function agree", "emoji survive",
                "binary data survives", "trigger rows restored once")), checks.toString());
        for (JsonNode c : r.get("checks")) {
            assertEquals("PASSED", c.get("status").asText(), c.toString());
        }
        String steps = r.get("steps").toString();
        assertTrue(steps.contains(expectedSandbox), steps);
        if (kind.equals("docker")) {
            assertTrue(steps.contains("network none"), steps);
            // the CLI ran in this JVM: its containers carry this PID
            assertEquals(List.of(), DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(SandboxContainer.PID_LABEL, Long.toString(ProcessHandle.current().pid()),
                            SandboxContainer.DRILL_LABEL, "shop-drill")).exec(), "the sandbox container was removed");
        }
    }

    private static Optional<ProcessHandle> dumpChild() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("/mariadb-dump") || c.endsWith("/mysqldump"))
                        .orElse(false))
                .findFirst();
    }
}
