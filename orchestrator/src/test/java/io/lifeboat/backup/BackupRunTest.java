package io.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Application;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.drill.StoredBackup;
import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.postgres.PostgresInstallation;
import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.testing.TestClusters;
import io.lifeboat.engine.DumpFailedException;
import io.lifeboat.engine.Engines;
import io.lifeboat.engine.postgres.PostgresEngine;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.ConsoleCapture;
import io.lifeboat.testing.LifeboatProcess;
import io.lifeboat.testing.SampleSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
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

/**
 * {@code lifeboat backup run} end to end against a real PostgreSQL (a private cluster with
 * password authentication) into a {@code file://} target, through the real CLI. The S3 path has
 * its own test; the storage contract suite covers both targets.
 */
class BackupRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static SampleSource source;

    @BeforeAll
    static void startSource() throws IOException {
        TestClusters.openForServer(shared);
        source = SampleSource.start(shared, 300_000); // ~45 MB dump: long enough to kill mid-stream
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @TempDir
    Path dir;

    private Path fileTargetConfig() throws IOException {
        Path repo = dir.resolve("repo");
        return source.writeConfig("url: file://" + repo);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void postgresToolsAreLookedForOnlyByTheCommandsThatUseThem() throws Exception {
        // Finding the installed PostgreSQL tools asks pg_config (and each pg_dump for its
        // version). A pg_config first on PATH notes each call: a command that needs no PostgreSQL
        // tool (a listing, a report, a MariaDB backup) must not pay for those processes.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("pg_config.calls");
        Path pgConfig = bin.resolve("pg_config");
        Files.writeString(pgConfig, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nexec /usr/bin/pg_config \"$@\"\n");
        assertTrue(pgConfig.toFile().setExecutable(true));
        Map<String, String> path = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        Path config = fileTargetConfig();

        LifeboatProcess.Run list = LifeboatProcess.run(LifeboatProcess.command("--config", config.toString(), "backup", "list", "shop"), path);
        assertEquals(0, list.exitCode(), list.all());
        assertFalse(Files.exists(calls), "backup list asked pg_config: " + (Files.exists(calls) ? Files.readString(calls) : ""));

        LifeboatProcess.Run run = LifeboatProcess.run(LifeboatProcess.command("--config", config.toString(), "backup", "run", "shop"), path);
        assertEquals(0, run.exitCode(), run.all());
        assertEquals("--bindir\n", Files.readString(calls), "a PostgreSQL backup looks for pg_dump, once");
    }

    /**
     * With zstd's worker threads (the default) and without them, the object is one standard age
     * file of one zstd stream that the stock tools read back.
     */
    @ParameterizedTest(name = "compression settings: [{0}]")
    @ValueSource(strings = {"", "compression: { threads: 0 }\n"})
    void backupListsAndRestoresWithStockToolsOnly(String compression) throws Exception {
        Path config = source.writeConfig("url: file://" + dir.resolve("repo"), source.port(), compression, false);
        Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.err().contains("inside the blast radius"), run.err());
        JsonNode doc = JSON.readTree(run.out());
        assertEquals("ok", doc.get("status").asText());
        String id = doc.get("backup_id").asText();

        Path repo = dir.resolve("repo");
        Path object = repo.resolve(doc.get("object_key").asText());
        Path manifestFile = repo.resolve(doc.get("manifest_key").asText());
        assertTrue(object.getFileName().toString().equals(id + ".dump.zst.age"), object.toString());
        assertTrue(object.toString().contains("/shop/" + id.substring(0, 4) + "/" + id.substring(4, 6) + "/" + id.substring(6, 8) + "/"));
        Manifest m = ManifestCodec.fromJson(Files.readAllBytes(manifestFile));

        // The manifest describes exactly what is stored, and the counts of the dump's snapshot.
        assertEquals(sha256(object), m.sha256());
        assertEquals(Files.size(object), m.storedBytes());
        assertEquals(source.rowCounts("shop"), m.rowCounts());
        assertEquals(300_000L, m.rowCounts().get("public.orders"));
        assertEquals(0L, m.rowCounts().get("odd schema.Empty \"Table\""));
        assertEquals(List.of(source.keys.recipient()), m.recipients());
        assertTrue(m.serverVersion().startsWith("15"), m.serverVersion());
        assertEquals("pg_dump-custom", m.dumpFormat());
        assertEquals("zstd-3", m.compression());
        assertTrue(m.rawBytes() > 40_000_000 && m.storedBytes() < m.rawBytes(), m.toString());
        assertFalse(m.finishedAt().isBefore(m.startedAt()));

        Cli.Run list = Cli.run("--config", config.toString(), "backup", "list", "shop", "--format", "json");
        assertEquals(0, list.exitCode(), list.all());
        JsonNode backups = JSON.readTree(list.out()).get("backups");
        assertEquals(1, backups.size());
        assertEquals(id, backups.get(0).get("backup_id").asText());
        assertEquals("COMPLETE", backups.get(0).get("status").asText());

        // Restore independence: Debian's age and zstd and pg_restore, nothing of lifeboat's.
        String restored = "restored_by_stock_tools" + (compression.isEmpty() ? "" : "_without_workers");
        source.pg.createDatabase(restored);
        String pipeline = "age -d -i '" + source.identityFile + "' '" + object + "' | zstd -d | "
                + source.pg.installation().tool("pg_restore") + " --no-owner --exit-on-error -h '" + source.pg.socketDir()
                + "' -p " + source.pg.port() + " -U postgres -d " + restored;
        ChildProcess.run(List.of("bash", "-o", "pipefail", "-c", pipeline), Map.of(), 300);
        assertEquals(source.rowCounts("shop"), source.rowCounts(restored));

        // Secrets: the source password appears in no output and no stored file.
        String password = source.password();
        assertFalse(run.all().contains(password));
        assertFalse(list.all().contains(password));
        for (Path f : filesUnder(repo)) {
            assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(password), f.toString());
        }
    }

    /** Scans of {@code public.orders} (sequential and by index) the statistics collector has noted. */
    private static long scansOfOrders() {
        return Long.parseLong(source.pg.execute("shop", "SELECT pg_stat_clear_snapshot(); SELECT coalesce(seq_scan, 0)"
                + " + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relid = 'public.orders'::regclass;").strip()
                .lines().reduce((a, b) -> b).orElseThrow().strip());
    }

    /**
     * The row counts come from pg_dump's archive as it streams past, so a backup reads each
     * table of the source once (pg_dump's COPY), not a second time to count it.
     */
    @Test
    void aBackupScansEachTableOnce() throws Exception {
        long before = scansOfOrders();
        Cli.Run run = Cli.run("--config", fileTargetConfig().toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, run.exitCode(), run.all());
        // A server process notes its scans when it exits, a moment after its client is gone.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (scansOfOrders() == before && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1500); // and a second scan, if there were one, would be noted by now
        assertEquals(1, scansOfOrders() - before, "scans of public.orders during one backup");
        Manifest m = ManifestCodec.fromJson(Files.readAllBytes(dir.resolve("repo").resolve(JSON.readTree(run.out())
                .get("manifest_key").asText())));
        assertEquals(source.rowCounts("shop"), m.rowCounts());
    }

    /**
     * An extension's configuration table is dumped with only the rows its filter lets through
     * (PostGIS's spatial_ref_sys keeps its thousands of built-in rows out of the dump); a restore
     * gets the others from CREATE EXTENSION. The manifest must record what a restore will hold,
     * the whole table, or every drill of such a database would fail its row counts. The
     * extension is a real one, installed into the server's extension directory for the test.
     */
    @Test
    void anExtensionsConfigurationTableIsCountedWholeAsARestoreHoldsIt() throws Exception {
        Path extensions = Path.of(source.pg.execute("postgres", "SELECT setting FROM pg_config WHERE name = 'SHAREDIR';").strip())
                .resolve("extension");
        Path control = extensions.resolve("lifeboat_test_config.control");
        Path script = extensions.resolve("lifeboat_test_config--1.0.sql");
        Files.writeString(control, "comment = 'lifeboat test: an extension with a configuration table'\n"
                + "default_version = '1.0'\nrelocatable = false\n");
        Files.writeString(script, """
                CREATE TABLE lifeboat_test_settings (id int PRIMARY KEY, name text, builtin boolean NOT NULL DEFAULT false);
                INSERT INTO lifeboat_test_settings SELECT g, 'built in ' || g, true FROM generate_series(1, 50) g;
                SELECT pg_catalog.pg_extension_config_dump('lifeboat_test_settings', 'WHERE NOT builtin');
                """);
        try {
            source.pg.execute("shop", "CREATE EXTENSION lifeboat_test_config; INSERT INTO lifeboat_test_settings (id, name)"
                    + " SELECT g, 'added ' || g FROM generate_series(101, 107) g;");
            Path config = fileTargetConfig();
            Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop", "--format", "json");
            assertEquals(0, run.exitCode(), run.all());
            JsonNode doc = JSON.readTree(run.out());
            Manifest m = ManifestCodec.fromJson(Files.readAllBytes(dir.resolve("repo").resolve(doc.get("manifest_key").asText())));
            assertEquals(57L, m.rowCounts().get("public.lifeboat_test_settings"), "50 built in, 7 added");
            assertEquals(source.rowCounts("shop"), m.rowCounts());

            String restored = "restored_with_extension";
            source.pg.createDatabase(restored);
            ChildProcess.run(List.of("bash", "-o", "pipefail", "-c", "age -d -i '" + source.identityFile + "' '"
                    + dir.resolve("repo").resolve(doc.get("object_key").asText()) + "' | zstd -d | "
                    + source.pg.installation().tool("pg_restore") + " --no-owner --exit-on-error -h '" + source.pg.socketDir()
                    + "' -p " + source.pg.port() + " -U postgres -d " + restored), Map.of(), 300);
            assertEquals(m.rowCounts(), source.rowCounts(restored), "what a drill will find is what the manifest says");
        } finally {
            source.pg.execute("shop", "DROP EXTENSION IF EXISTS lifeboat_test_config;");
            Files.deleteIfExists(control);
            Files.deleteIfExists(script);
        }
    }

    /**
     * An archive the counter cannot read (here a pg_dump that compresses its data whatever it
     * is told: a valid archive, but its rows are not line breaks) still gets exact row counts:
     * counted in the dump's snapshot once pg_dump is done.
     */
    @Test
    void rowsAreCountedInTheDumpsSnapshotWhenTheArchiveCannotBeRead() throws Exception {
        PostgresInstallation real = source.pg.installation();
        Path bin = Files.createDirectories(dir.resolve("compressing-pg-dump"));
        Path wrapper = bin.resolve("pg_dump");
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + real.tool("pg_dump") + "' \"$@\" --compress=1\n");
        assertTrue(wrapper.toFile().setExecutable(true));
        Application app = new Application(new Engines(new PostgresEngine(() -> PostgresInstallations.of(
                List.of(new PostgresInstallation(real.major(), bin, real.version()))))), Clock.systemUTC());
        LifeboatConfig config = app.loadConfig(fileTargetConfig());
        SourceConfig shop = config.source("shop");
        BackupResult result;
        try (StorageTarget writer = app.openForWriting(config.targetOf(shop))) {
            result = app.pipeline(config, shop, writer).run(shop, Progress.NONE);
        }
        assertEquals(source.rowCounts("shop"), result.manifest().rowCounts());
        assertEquals(300_000L, result.manifest().rowCounts().get("public.orders"));
        // the archive really was one the counter declines
        Path object = dir.resolve("repo").resolve(result.manifest().objectKey());
        // (no pipefail: head ends the pipe early)
        String head = ChildProcess.run(List.of("bash", "-c", "age -d -i '" + source.identityFile + "' '" + object
                + "' | zstd -d | head -c 14 | od -An -tu1"), Map.of(), 60);
        List<String> bytes = List.of(head.trim().split("\\s+"));
        assertEquals("80 71 68 77 80", String.join(" ", bytes.subList(0, 5)), "PGDMP");
        // after the format byte: the algorithm (1.15 on), else the level's sign and lowest byte
        String compression = Integer.parseInt(bytes.get(6)) >= 15 ? bytes.get(11) : bytes.get(12);
        assertTrue(!"0".equals(compression),
                "the archive's data is compressed (header bytes " + bytes + ")");
    }

    /**
     * The fallback's own failure: the archive cannot be read, and counting in the dump's snapshot
     * fails too, because the server ended lifeboat's session (here the pg_dump wrapper, once the
     * real pg_dump is done, terminates the session that holds the snapshot, idle in its
     * transaction). The backup fails with the database's reason, and nothing is left that looks
     * complete. The warning that the rows are being counted in the database is logged first.
     */
    @Test
    void aFailedCountInTheDumpsSnapshotFailsTheBackupAndLeavesNothing() throws Exception {
        PostgresInstallation real = source.pg.installation();
        Path bin = Files.createDirectories(dir.resolve("compressing-pg-dump-then-terminating"));
        Path wrapper = bin.resolve("pg_dump");
        Files.writeString(wrapper, "#!/bin/sh\n'" + real.tool("pg_dump") + "' \"$@\" --compress=1 || exit $?\n"
                + "'" + real.tool("psql") + "' -X -At -h '" + source.pg.socketDir() + "' -p " + source.pg.port()
                + " -U postgres -d shop -c \"SELECT 'terminated ' || count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = 'shop' AND state = 'idle in transaction'\" >&2\n");
        assertTrue(wrapper.toFile().setExecutable(true));
        Application app = new Application(new Engines(new PostgresEngine(() -> PostgresInstallations.of(
                List.of(new PostgresInstallation(real.major(), bin, real.version()))))), Clock.systemUTC());
        LifeboatConfig config = app.loadConfig(fileTargetConfig());
        SourceConfig shop = config.source("shop");
        LifeboatException[] failure = new LifeboatException[1];
        String logs = ConsoleCapture.during(() -> {
            try (StorageTarget writer = app.openForWriting(config.targetOf(shop))) {
                failure[0] = assertThrows(LifeboatException.class, () -> app.pipeline(config, shop, writer).run(shop, Progress.NONE));
            }
        });
        LifeboatException e = failure[0];
        assertEquals(1, e.exitCode().code(), e.getMessage());
        assertTrue(e.getMessage().startsWith("counting rows of source shop in the dump's snapshot failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("terminating connection due to administrator command"), e.getMessage());
        assertTrue(logs.contains("source shop: the row counts could not be read from pg_dump's archive (")
                && logs.contains("compressed") && logs.contains("); counting each table in the dump's snapshot instead"), logs);
        // Neither data object nor manifest nor partial file is left behind.
        assertEquals(List.of(), filesUnder(dir.resolve("repo")));
    }

    /**
     * A data object gone from under its manifest is the backup's defect, not the storage's
     * trouble: the storage's refusal reaches the reader from the fetching thread (StoredBackup
     * reads ahead) and is judged as before.
     */
    @Test
    void aDataObjectGoneFromUnderItsManifestIsADefect() throws Exception {
        Path config = fileTargetConfig();
        Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, run.exitCode(), run.all());
        Files.delete(dir.resolve("repo").resolve(JSON.readTree(run.out()).get("object_key").asText()));

        Application app = Application.standard();
        LifeboatConfig cfg = app.loadConfig(config);
        try (StorageTarget reader = app.openForReading(cfg.targetOf(cfg.source("shop")))) {
            Manifest m = ManifestCodec.fromJson(Files.readAllBytes(dir.resolve("repo").resolve(JSON.readTree(run.out())
                    .get("manifest_key").asText())));
            List<String> steps = new ArrayList<>();
            DrillBackup.BackupReadException e;
            try (InputStream in = new StoredBackup(reader, m, source.identityFile).open((step, status, took, detail) ->
                    steps.add(step + "=" + status), Duration.ofMinutes(1))) {
                e = assertThrows(DrillBackup.BackupReadException.class, in::read);
            }
            assertTrue(e.isDefect(), e.getMessage());
            assertEquals("data object " + m.objectKey() + " of backup " + m.backupId() + " is missing although its manifest exists",
                    e.getMessage());
            assertEquals(List.of("fetch=ERRORED"), steps);
        }
    }

    @Test
    void killedPgDumpFailsAndLeavesNothingThatLooksComplete() throws Exception {
        Application app = Application.standard();
        LifeboatConfig config = app.loadConfig(fileTargetConfig());
        SourceConfig shop = config.source("shop");
        AtomicReference<String> killed = new AtomicReference<>();
        Progress killer = (raw, stored) -> {
            if (killed.get() == null && raw > 10_000_000) {
                ProcessHandle dump = SampleSource.pgDumpChild().orElseThrow();
                killed.set("pid " + dump.pid());
                dump.destroyForcibly();
            }
        };
        LifeboatException e;
        try (StorageTarget writer = app.openForWriting(config.targetOf(shop))) {
            e = assertThrows(LifeboatException.class, () -> app.pipeline(config, shop, writer).run(shop, killer));
        }
        assertTrue(killed.get() != null, "pg_dump was never seen running");
        assertInstanceOf(DumpFailedException.class, e);
        assertEquals(1, e.exitCode().code());
        assertTrue(e.getMessage().contains("pg_dump") && e.getMessage().contains("killed by signal 9"), e.getMessage());
        // Neither data object nor manifest nor partial file is left behind.
        assertEquals(List.of(), filesUnder(dir.resolve("repo")));
        assertTrue(SampleSource.pgDumpChild().isEmpty(), "pg_dump must not outlive the failed backup");
    }

    @Test
    void pgDumpErrorIsReportedWithItsStderr() throws Exception {
        // A role that may not read one table: pg_dump fails half-way with the server's message.
        source.pg.execute("shop", """
                DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limited') THEN
                  CREATE ROLE limited LOGIN PASSWORD 'limited-secret-Xq9'; END IF; END $$;
                GRANT USAGE ON SCHEMA public TO limited; GRANT SELECT ON customers TO limited;""");
        Path pw = dir.resolve("limited.password");
        Files.createFile(pw, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pw, "limited-secret-Xq9\n");
        String yaml = Files.readString(fileTargetConfig())
                .replace("user: postgres", "user: limited")
                .replace(source.passwordFile.toString(), pw.toString());
        Path config = dir.resolve("limited.yaml");
        Files.writeString(config, yaml);
        Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop");
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.err().contains("pg_dump") && run.err().contains("permission denied"), run.err());
        assertFalse(run.all().contains("limited-secret-Xq9"));
        assertEquals(List.of(), filesUnder(dir.resolve("repo")));
    }

    @Test
    void unreachableDatabaseExitsThreeAndNamesIt() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path config = source.writeConfig("url: file://" + dir.resolve("repo"), closedPort);
        Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(3, run.exitCode(), run.all());
        assertTrue(run.err().contains("127.0.0.1:" + closedPort), run.err());
        JsonNode doc = JSON.readTree(run.out());
        assertEquals("failed", doc.get("status").asText());
        assertEquals(3, doc.get("exit_code").asInt());
        assertEquals(List.of(), filesUnder(dir.resolve("repo")));
    }

    @Test
    void wrongPasswordExitsThreeWithoutEchoingIt() throws Exception {
        Path wrong = dir.resolve("wrong.password");
        Files.createFile(wrong, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(wrong, "not-the-password-7Hk\n");
        Path config = dir.resolve("wrong.yaml");
        Files.writeString(config, Files.readString(fileTargetConfig()).replace(source.passwordFile.toString(), wrong.toString()));
        Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop");
        assertEquals(3, run.exitCode(), run.all());
        assertTrue(run.err().contains("password authentication failed"), run.err());
        assertFalse(run.all().contains("not-the-password-7Hk"));
    }

    @Test
    void passwordFileReadableByOthersIsRefused() throws Exception {
        Path loose = dir.resolve("loose.password");
        Files.writeString(loose, source.password() + "\n");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        Path config = dir.resolve("loose.yaml");
        Files.writeString(config, Files.readString(fileTargetConfig()).replace(source.passwordFile.toString(), loose.toString()));
        Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("chmod 600 " + loose), run.err());
        assertFalse(run.all().contains(source.password()));
    }

    @Test
    void pgDumpGetsNoSecretInArgvOrEnvironment() throws Exception {
        Application app = Application.standard();
        LifeboatConfig config = app.loadConfig(fileTargetConfig());
        SourceConfig shop = config.source("shop");
        List<String> seen = new ArrayList<>();
        AtomicReference<Path> passfile = new AtomicReference<>();
        Progress inspector = (raw, stored) -> {
            if (!seen.isEmpty()) {
                return;
            }
            ProcessHandle dump = SampleSource.pgDumpChild().orElseThrow();
            try {
                List<String> argvAndEnvironment = SampleSource.argvAndEnvironment(dump);
                String cmdline = argvAndEnvironment.get(0);
                String environ = argvAndEnvironment.get(1);
                seen.add(cmdline);
                seen.add(environ);
                java.util.regex.Matcher pf = java.util.regex.Pattern.compile("passfile='([^']+)'").matcher(cmdline);
                if (pf.find()) {
                    passfile.set(Path.of(pf.group(1)));
                    seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(passfile.get())));
                    seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(passfile.get().getParent())));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        try (StorageTarget writer = app.openForWriting(config.targetOf(shop))) {
            app.pipeline(config, shop, writer).run(shop, inspector);
        }
        assertEquals(4, seen.size(), "pg_dump's argv, environment and passfile must have been inspected: " + seen);
        String cmdline = seen.get(0);
        String environ = seen.get(1);
        assertFalse(cmdline.contains(source.password()), cmdline);
        assertFalse(environ.contains(source.password()));
        assertFalse(environ.contains("AWS_"), "AWS variables leaked into pg_dump's environment:\n" + environ);
        assertFalse(environ.contains("PGPASSWORD"));
        assertTrue(System.getenv().containsKey("AWS_SECRET_ACCESS_KEY"),
                "the test JVM must carry AWS_* variables (set in the pom) for this check to mean anything");
        assertEquals("rw-------", seen.get(2));
        assertEquals("rwx------", seen.get(3));
        assertFalse(Files.exists(passfile.get()), "the temporary passfile must be removed after the dump");
    }

    @Test
    void onATerminalLongWorkShowsAProgressLine() throws Exception {
        // util-linux 'script' gives the command a real pseudo-terminal, as a person's shell would.
        Path config = fileTargetConfig();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' io.lifeboat.cli.Main --config '"
                + config + "' backup run shop";
        Path transcript = dir.resolve("typescript");
        ChildProcess.run(List.of("script", "-q", "-e", "-c", command, transcript.toString()), Map.of(), 300);
        String seen = Files.readString(transcript);
        assertTrue(seen.contains("\r  dumped ") && seen.contains("/s"), "no progress line on the terminal:\n" + seen);
        assertTrue(seen.contains("backup ") && seen.contains(" of shop stored in "), seen);

        // Without a terminal (cron, CI, a pipe) there is no progress line, only the summary.
        Cli.Run plain = Cli.run("--config", config.toString(), "backup", "run", "shop");
        assertEquals(0, plain.exitCode(), plain.all());
        assertFalse(plain.all().contains("dumped "), plain.all());
    }

}
