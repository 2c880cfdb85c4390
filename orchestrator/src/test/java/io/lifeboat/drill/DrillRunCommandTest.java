package io.lifeboat.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.drills.testing.DockerEngine;
import io.lifeboat.drills.testing.ServerSandboxes;
import io.lifeboat.drills.testing.TestClusters;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.S3ProxyServer;
import io.lifeboat.testing.SampleSource;
import io.lifeboat.testing.WebhookListener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code lifeboat drill run} end to end through the CLI: a real backup of a real PostgreSQL,
 * then the stored object broken in each way a backup breaks (named by defect), each giving the
 * right outcome, reason and exit code, and the webhook receiving the alert (a local listener).
 */
class DrillRunCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static SampleSource source;

    @BeforeAll
    static void startSource() throws IOException {
        TestClusters.openForServer(shared);
        source = SampleSource.start(shared, 20_000);
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @TempDir
    Path dir;

    @RegisterExtension
    final WebhookListener webhook = new WebhookListener();
    final List<String> alerts = webhook.posts;

    private String drills(String extraDrillKeys, String checks) {
        return drills("sandbox: ephemeral", extraDrillKeys, checks);
    }

    private String drills(String sandboxKeys, String extraDrillKeys, String checks) {
        return """
                drills:
                  shop-drill:
                    source: shop
                %s
                %s
                    checks:
                %s
                alerts:
                  webhook_url: http://127.0.0.1:%d/hook
                """.formatted(sandboxKeys.stripTrailing().indent(4).stripTrailing(),
                extraDrillKeys.stripTrailing().indent(4).stripTrailing(), checks.stripTrailing().indent(6).stripTrailing(),
                webhook.port());
    }

    private static final String GOOD_CHECKS = """
            - name: orders present
              sql: SELECT count(*) FROM orders
              expect: ">= 20000"
            - name: customers
              sql: SELECT count(*) FROM customers
              expect: "= 1000"
            """;

    private Path fileConfig(String drillKeys, String checks) {
        return source.writeConfig("url: file://" + dir.resolve("repo"), source.port(), drills(drillKeys, checks), true);
    }

    private Path backup(Path config) throws IOException {
        Cli.Run b = Cli.run("--config", config.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, b.exitCode(), b.all());
        return dir.resolve("repo").resolve(JSON.readTree(b.out()).get("object_key").asText());
    }

    private JsonNode drill(Path config, int expectedExit, String... extra) throws IOException {
        String[] args = Stream.concat(Stream.of("--config", config.toString(), "drill", "run", "shop-drill", "--format", "json"),
                Stream.of(extra)).toArray(String[]::new);
        Cli.Run run = Cli.run(args);
        assertEquals(expectedExit, run.exitCode(), run.all());
        assertTrue(run.err().contains("lifeboat drill shop-drill: "), "no summary block on stderr:\n" + run.err());
        assertFalse(run.all().contains(source.password()), "the source password leaked into the output");
        return JSON.readTree(run.out());
    }

    private static void flipByte(Path file, long offset) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x01);
        }
    }

    @Test
    void goodBackupPassesWithCanaryAndIsListed() throws IOException {
        Path config = fileConfig("max_backup_age: 1h\nmax_restore_time: 10m", GOOD_CHECKS);
        backup(config);
        JsonNode r = drill(config, 0);
        assertEquals("PASSED", r.get("outcome").asText(), r.toString());
        List<String> checks = r.get("checks").findValuesAsText("name");
        assertTrue(checks.containsAll(List.of("backup age (RPO)", "restore time (RTO)", "row counts", "canary", "orders present",
                "customers")), checks.toString());
        for (JsonNode c : r.get("checks")) {
            assertEquals("PASSED", c.get("status").asText(), c.toString());
        }
        assertTrue(r.get("checks").toString().contains("lb-"), "the canary check must have looked for the canary token");
        List<String> steps = r.get("steps").findValuesAsText("name");
        assertTrue(steps.containsAll(List.of("fetch", "verify", "decrypt", "sandbox", "restore", "teardown")), steps.toString());
        assertTrue(alerts.isEmpty(), "PASSED is not alerted unless on_passed is set");

        // The list reads the catalog, not this host's result files: in a cluster the drill may have
        // run on another node, whose files are not here.
        Path results = config.getParent().resolve("state/drills");
        assertTrue(Files.isDirectory(results), results.toString());
        try (var files = Files.walk(results)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Cli.Run list = Cli.run("--config", config.toString(), "drill", "list", "--format", "json");
        assertEquals(0, list.exitCode(), list.all());
        JsonNode listed = JSON.readTree(list.out()).get("drills").get(0);
        assertEquals("PASSED", listed.get("last_outcome").asText(), listed.toString());
        assertEquals(r.get("run_id").asText(), listed.get("last_run_id").asText(), listed.toString());
    }

    /**
     * The same good backup passes a drill in each sandbox kind: a private cluster, a throwaway
     * database on a declared sandbox server (another private cluster here), and a container
     * without network; the sandbox step names where it restored.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ephemeral", "server", "docker"})
    void goodBackupPassesInEverySandboxKind(String kind) throws IOException {
        String sandboxes = "";
        String sandboxKeys = "sandbox: " + kind;
        String expectedSandbox = "ephemeral PostgreSQL";
        PrivatePostgresCluster sandboxServer = null;
        try {
            if (kind.equals("server")) {
                sandboxServer = TestClusters.start();
                SandboxServer declared = ServerSandboxes.declare(sandboxServer, dir);
                sandboxes = """
                        sandboxes:
                          scratch: { engine: postgres, host: %s, port: %d, user: %s, password_file: %s, sslmode: disable }
                        """.formatted(declared.host(), declared.port(), declared.user(), declared.passwordFile().orElseThrow());
                sandboxKeys += "\nsandbox_server: scratch";
                expectedSandbox = "server sandbox scratch";
            } else if (kind.equals("docker")) {
                DockerEngine.require();
                expectedSandbox = "network none";
            }
            Path config = source.writeConfig("url: file://" + dir.resolve("repo"), source.port(),
                    sandboxes + drills(sandboxKeys, "max_backup_age: 1h", GOOD_CHECKS), true);
            backup(config);
            long t0 = System.nanoTime();
            JsonNode r = drill(config, 0);
            System.out.printf("DrillRunCommandTest: drill in a %s sandbox %.1f s%n", kind, (System.nanoTime() - t0) / 1e9);
            assertEquals("PASSED", r.get("outcome").asText(), r.toString());
            for (JsonNode c : r.get("checks")) {
                assertEquals("PASSED", c.get("status").asText(), c.toString());
            }
            assertTrue(r.get("steps").toString().contains(expectedSandbox), r.get("steps").toString());
            if (sandboxServer != null) {
                assertEquals(List.of(), ServerSandboxes.throwawayDatabases(sandboxServer), "the throwaway database was dropped");
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        } finally {
            if (sandboxServer != null) {
                sandboxServer.close();
            }
        }
    }

    @Test
    void onATerminalADrillShowsWhatItIsDoing() throws Exception {
        Path config = fileConfig("", GOOD_CHECKS);
        backup(config);
        // util-linux 'script' gives the command a real pseudo-terminal, as a person's shell would.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' io.lifeboat.cli.Main --config '"
                + config + "' drill run shop-drill";
        Path transcript = dir.resolve("typescript");
        ChildProcess.run(List.of("script", "-q", "-e", "-c", command, transcript.toString()), Map.of(), 300);
        String seen = Files.readString(transcript);
        for (String expected : List.of("\r\033[K  drill shop-drill: creating the sandbox", "drill shop-drill: restoring",
                "drill shop-drill: check 1 of ", "drill shop-drill: tearing the sandbox down")) {
            assertTrue(seen.contains(expected), "no '" + expected.strip() + "' on the terminal:\n" + seen);
        }
        assertTrue(seen.contains("lifeboat drill shop-drill: PASSED"), seen);

        // Without a terminal (cron, CI, a pipe) there is no progress line, only the summary.
        Cli.Run plain = Cli.run("--config", config.toString(), "drill", "run", "shop-drill");
        assertEquals(0, plain.exitCode(), plain.all());
        assertFalse(plain.all().contains("creating the sandbox"), plain.all());
    }

    @Test
    void flippedByteInTheStoredObjectFailsOnTheChecksum() throws IOException {
        Path config = fileConfig("", GOOD_CHECKS);
        Path object = backup(config);
        flipByte(object, Files.size(object) / 2);
        JsonNode r = drill(config, 1);
        assertEquals("FAILED", r.get("outcome").asText());
        assertTrue(r.get("reason").asText().startsWith("checksum mismatch: manifest says "), r.get("reason").asText());
        assertEquals(1, alerts.size(), "a FAILED drill must be posted to the webhook");
        JsonNode alert = JSON.readTree(alerts.get(0));
        assertEquals("FAILED", alert.get("outcome").asText());
        assertTrue(alert.get("text").asText().contains("shop-drill") && alert.get("text").asText().contains("checksum mismatch"),
                alert.toString());
    }

    @Test
    void truncatedObjectFailsAsDamaged() throws IOException {
        Path config = fileConfig("", GOOD_CHECKS);
        Path object = backup(config);
        Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-------"));
        try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
            f.setLength(f.length() - 1000);
        }
        JsonNode r = drill(config, 1);
        String reason = r.get("reason").asText();
        assertTrue(reason.contains("SIZE_MISMATCH") && reason.contains("bytes, manifest says"), reason);
        // Asked for explicitly, the same backup fails the same way: never silently skipped.
        assertTrue(drill(config, 1, "--backup", object.getFileName().toString().replace(".dump.zst.age", ""))
                .get("reason").asText().contains("SIZE_MISMATCH"));
    }

    @Test
    void wrongIdentityKeyFailsOnDecryption() throws IOException {
        Path config = fileConfig("", GOOD_CHECKS);
        backup(config);
        Path other = dir.resolve("other.agekey");
        AgeEncryption.writeIdentityFile(other, AgeEncryption.generateKeyPair());
        Path wrong = dir.resolve("wrong-key.yaml");
        Files.writeString(wrong, Files.readString(config).replace(source.identityFile.toString(), other.toString()));
        JsonNode r = drill(wrong, 1);
        assertEquals("FAILED", r.get("outcome").asText());
        assertTrue(r.get("reason").asText().contains("cannot decrypt") && r.get("reason").asText().contains("checksum matches"),
                r.get("reason").asText());
    }

    @Test
    void identityFileReadableByOthersIsRefused() throws IOException {
        Path config = fileConfig("", GOOD_CHECKS);
        backup(config);
        Path loose = dir.resolve("loose.agekey");
        Files.copy(source.identityFile, loose);
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        Path cfg = dir.resolve("loose-key.yaml");
        Files.writeString(cfg, Files.readString(config).replace(source.identityFile.toString(), loose.toString()));
        JsonNode r = drill(cfg, 3);
        assertEquals("ERRORED", r.get("outcome").asText());
        assertTrue(r.get("reason").asText().contains("chmod 600 " + loose), r.get("reason").asText());
    }

    @Test
    void missingManifestMeansNoCompleteBackup() throws IOException {
        Path config = fileConfig("", GOOD_CHECKS);
        Path object = backup(config);
        Path manifest = object.resolveSibling(object.getFileName().toString().replace(".dump.zst.age", ".manifest.json"));
        String id = object.getFileName().toString().replace(".dump.zst.age", "");
        Files.delete(manifest); // the test plays the crash between upload and manifest
        JsonNode newest = drill(config, 1);
        assertTrue(newest.get("reason").asText().startsWith("no complete backup of shop"), newest.get("reason").asText());
        JsonNode asked = drill(config, 1, "--backup", id);
        assertTrue(asked.get("reason").asText().contains(id + " is INCOMPLETE"), asked.get("reason").asText());
    }

    @Test
    void checkWithTheWrongValueFailsNamingIt() throws IOException {
        Path config = fileConfig("", """
                - name: orders present
                  sql: SELECT count(*) FROM orders
                  expect: ">= 20001"
                """);
        backup(config);
        JsonNode r = drill(config, 1);
        assertTrue(r.get("reason").asText().contains("orders present") && r.get("reason").asText().contains("20000"),
                r.get("reason").asText());
    }

    @Test
    void staleBackupFailsTheRpo() throws Exception {
        Path config = fileConfig("max_backup_age: 500ms", GOOD_CHECKS);
        backup(config);
        Thread.sleep(1000);
        JsonNode r = drill(config, 1);
        assertTrue(r.get("reason").asText().contains("max_backup_age 500ms") || r.get("reason").asText().contains("max_backup_age is 500"),
                r.get("reason").asText());
    }

    @Test
    void restoreOverItsBudgetFailsTheRto() throws IOException {
        Path config = fileConfig("max_restore_time: 1ms", GOOD_CHECKS);
        backup(config);
        JsonNode r = drill(config, 1);
        assertTrue(r.get("reason").asText().contains("max_restore_time"), r.get("reason").asText());
    }

    @Test
    void unreachableBucketErrorsAndAlerts() throws Exception {
        Path config;
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
            s3.createBucket("vault");
            config = source.writeConfig("""
                    url: s3://vault/prod
                    endpoint: %s
                    path_style: true
                    checksum: off
                    part_size: 5MiB
                    write_credentials: { profile: %s, credentials_file: %s }
                    read_credentials: { profile: %s, credentials_file: %s }
                    """.formatted(s3.endpoint(), S3ProxyServer.PROFILE, s3.credentialsFile(), S3ProxyServer.PROFILE,
                    s3.credentialsFile()), source.port(), drills("", GOOD_CHECKS), true);
            backup(config);
        }
        JsonNode r = drill(config, 3);
        assertEquals("ERRORED", r.get("outcome").asText());
        assertTrue(r.get("reason").asText().contains("cannot list backups"), r.get("reason").asText());
        assertEquals(1, alerts.size());
        assertEquals("ERRORED", JSON.readTree(alerts.get(0)).get("outcome").asText());
    }

    @Test
    void sandboxServerThatIsTheSourceIsRefusedBeforeAnythingRuns() throws IOException {
        Path config = source.writeConfig("url: file://" + dir.resolve("repo"), source.port(), """
                sandboxes:
                  prod-by-mistake: { engine: postgres, host: localhost, port: %d, user: postgres }
                drills:
                  shop-drill: { source: shop, sandbox: server, sandbox_server: prod-by-mistake }
                """.formatted(source.port()), false);
        Cli.Run run = Cli.run("--config", config.toString(), "drill", "run", "shop-drill");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("prod-by-mistake") && run.err().contains("source 'shop'"), run.err());
    }
}
