package io.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.CatalogDatabase;
import io.lifeboat.config.CatalogConfig;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.restore.Ownership;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.LifeboatProcess;
import io.lifeboat.testing.SampleSource;
import io.lifeboat.testing.SharedSampleSource;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat restore} with the terminal gate, end to end on a real PostgreSQL: the plan for
 * each case, refusals that change nothing (no terminal, wrong code, an existing database without
 * --replace, a damaged backup), and a restore confirmed on a real pseudo-terminal whose data is
 * the source's at backup time. Every step is in the catalog.
 */
class RestoreCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CODE = Pattern.compile("one-time code: ([A-Z0-9]{4}-[A-Z0-9]{4})");

    @RegisterExtension
    static final SharedSampleSource SHOP = new SharedSampleSource(2_000);

    static SampleSource source;
    static Path shared;

    @BeforeAll
    static void source() {
        source = SHOP.source();
        shared = SHOP.dir();
    }

    @TempDir
    Path dir;

    private static final String DRILLS = """
            drills:
              shop-drill:
                source: shop
                sandbox: ephemeral
                checks:
                  - name: customers
                    sql: SELECT count(*) FROM customers
                    expect: ">= 1000"
            """;

    /** A configuration with its own repository and state directory. */
    private Path config() throws IOException {
        return config(DRILLS);
    }

    private Path config(String drills) throws IOException {
        Path config = source.writeConfig("url: file://" + dir.resolve("repo"), source.port(), drills, true);
        Files.writeString(config, Files.readString(config).replace(shared.resolve("state").toString(), dir.resolve("state").toString()));
        return config;
    }

    private Path backup(Path config) throws IOException {
        Cli.Run b = Cli.run("--config", config.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, b.exitCode(), b.all());
        return dir.resolve("repo").resolve(JSON.readTree(b.out()).get("object_key").asText());
    }

    /** Backs up, then adds a row to the source; returns the row counts at backup time. */
    private Map<String, Long> backupThenChangeTheSource(Path config) throws IOException {
        backup(config);
        Map<String, Long> atBackup = source.rowCounts("shop");
        source.pg.execute("shop", "INSERT INTO customers SELECT max(id) + 1, 'after the backup', now() FROM customers;");
        return atBackup;
    }

    private static List<String> databases() {
        List<String> names = new ArrayList<>();
        for (String line : source.pg.execute("postgres", "SELECT datname FROM pg_database ORDER BY 1;").split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return names;
    }

    private static List<String> restoredDatabases() {
        return databases().stream().filter(d -> d.startsWith("shop_")).toList();
    }

    private List<RestoreJournal.Event> journal() {
        return entries().stream().map(RestoreJournal.Entry::event).toList();
    }

    /**
     * The steps as the catalog has them, read back through {@link Catalog}; the JSON-lines file
     * (used only when the catalog cannot be opened) must not exist.
     */
    private List<RestoreJournal.Entry> entries() {
        assertFalse(Files.exists(new JsonLinesRestoreJournal(dir.resolve("state")).file()), "the catalog was open: no fallback file");
        return catalog().restoreEvents().stream().map(CatalogRestoreJournal::entry).toList();
    }

    private Catalog catalog() {
        return new Catalog(CatalogDatabase.open(CatalogConfig.inStateDir(dir.resolve("state"))));
    }

    private static Cli.Run restore(Path config, String... extra) {
        return Cli.run(Stream.concat(Stream.of("--config", config.toString(), "restore", "shop"), Stream.of(extra))
                .toArray(String[]::new));
    }

    @Test
    void planForANewDatabaseShowsEverythingAndChangesNothing() throws IOException {
        Path config = config();
        backup(config);
        List<String> before = databases();

        Cli.Run plan = restore(config);
        assertEquals(0, plan.exitCode(), plan.all());
        String text = plan.out();
        assertTrue(text.contains("PLAN (nothing has been changed)"), text);
        assertTrue(Pattern.compile("database shop_restored_\\d{8}_\\d{6}").matcher(text).find(), text);
        assertTrue(text.contains("127.0.0.1:" + source.port()), text);
        assertTrue(text.contains("never drilled: no drill of shop has run"), text);
        assertTrue(text.contains("unknown: no drill has run"), text);
        assertTrue(text.contains("does not exist and is created new"), text);
        assertTrue(text.contains("drill shop-drill: customers: SELECT count(*) FROM customers"), text);
        assertTrue(text.contains("row counts equal the manifest's"), text);
        assertTrue(text.contains("canary row lb-"), text);
        assertFalse(plan.all().contains(source.password()));

        JsonNode json = JSON.readTree(restore(config, "--format", "json").out());
        assertEquals(64, json.get("backup").get("sha256").asText().length(), json.toString());
        assertTrue(json.get("backup").get("stored_bytes").asLong() > 0);
        assertTrue(json.get("existing").isNull(), json.toString());
        assertFalse(json.get("replace").asBoolean());
        assertEquals(source.port(), json.get("target").get("port").asInt());
        assertEquals(before, databases(), "a plan must not create or change any database");

        String id = json.get("backup").get("id").asText();
        assertTrue(restore(config, "--at", java.time.Instant.now().toString()).out().contains("backup    " + id), "--at now");
        Cli.Run tooEarly = restore(config, "--at", "2000-01-01T00:00:00Z");
        assertEquals(1, tooEarly.exitCode(), tooEarly.all());
        assertTrue(tooEarly.err().contains("no complete backup of shop in") && tooEarly.err().contains("taken at or before"),
                tooEarly.err());
        assertEquals(2, restore(config, "--backup", "nonsense").exitCode());
        assertEquals(2, restore(config, "--backup", id, "--at", "2000-01-01T00:00:00Z").exitCode());
        assertTrue(journal().isEmpty(), "a plan is not a request: " + journal());

        // after a drill, the plan knows how that backup fared and how long a restore takes
        Cli.Run drill = Cli.run("--config", config.toString(), "drill", "run", "shop-drill");
        assertEquals(0, drill.exitCode(), drill.all());
        // from the catalog (any node's drills), not this host's result files
        Path results = dir.resolve("state/drills");
        assertTrue(Files.isDirectory(results), results.toString());
        try (Stream<Path> files = Files.walk(results)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        String after = restore(config).out();
        assertTrue(after.contains("drilled   PASSED (drill shop-drill"), after);
        assertTrue(after.contains("(the restore time of drill shop-drill on "), after);

        // a catalog that is down never stands in the way of a restore: the plan says what it does not know
        Path noCatalog = dir.resolve("no-catalog.yaml");
        Files.writeString(noCatalog, Files.readString(config) + "\ncatalog:\n  url: jdbc:postgresql://127.0.0.1:1/lifeboat\n  user: lifeboat\n");
        Cli.Run blind = restore(noCatalog);
        assertEquals(0, blind.exitCode(), blind.all());
        assertTrue(blind.out().contains("drilled   unknown: the catalog could not be read"), blind.out());
    }

    @Test
    void intoAnExistingDatabaseWithoutReplaceIsRefused() throws IOException {
        Path config = config();
        backup(config);
        Cli.Run run = restore(config, "--into", "shop");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("refused: database shop already exists") && run.err().contains("--replace"), run.err());
        Cli.Run replaceNothing = restore(config, "--into", "nothing_here", "--replace");
        assertEquals(2, replaceNothing.exitCode(), replaceNothing.all());
        assertTrue(replaceNothing.err().contains("there is no database nothing_here"), replaceNothing.err());
    }

    @Test
    void replacePlanSaysWhatIsKeptAndDropsNothing() throws IOException {
        Path config = config();
        backup(config);
        Cli.Run plan = restore(config, "--replace");
        assertEquals(0, plan.exitCode(), plan.all());
        assertTrue(plan.out().contains("it will be REPLACED, not dropped"), plan.out());
        assertTrue(Pattern.compile("shop is renamed to shop_replaced_\\d{8}_\\d{6} \\(kept, with all its data\\)")
                .matcher(plan.out()).find(), plan.out());
        JsonNode json = JSON.readTree(restore(config, "--replace", "--format", "json").out());
        assertTrue(json.get("kept_as").asText().startsWith("shop_replaced_"), json.toString());
        assertEquals("shop", json.get("existing").get("database").asText());
        assertEquals(4, json.get("existing").get("tables").asInt(), "customers, orders, the odd one and the canary");
        assertTrue(json.get("existing").get("bytes").asLong() > 0);
        assertEquals(0, json.get("dropped").size());
    }

    @Test
    void applyWithoutATerminalIsRefusedAndReplaceLeavesTheOriginal() throws IOException {
        Path config = config();
        backup(config);
        Map<String, Long> original = source.rowCounts("shop");
        for (String[] args : List.of(new String[] {"--apply"}, new String[] {"--replace", "--apply"})) {
            List<String> command = new ArrayList<>(List.of("setsid", "-w"));
            command.addAll(LifeboatProcess.command(Stream.concat(Stream.of("--config", config.toString(), "restore", "shop"),
                    Stream.of(args)).toArray(String[]::new)));
            LifeboatProcess.Run run = LifeboatProcess.run(command);
            assertEquals(2, run.exitCode(), run.all());
            assertTrue(run.err().contains("A person must run it"), run.err());
            assertFalse(run.out().contains("one-time code"), run.out());
        }
        assertEquals(List.of(), restoredDatabases(), "nothing may be created without a person");
        assertEquals(original, source.rowCounts("shop"), "the original must be untouched");
        assertEquals(List.of(RestoreJournal.Event.REFUSED, RestoreJournal.Event.REFUSED), journal());
    }

    @Test
    void withoutACatalogTheStepsGoToTheStateDirectoryWithAWarning() throws IOException {
        Path config = config();
        backup(config);
        // a PostgreSQL catalog nobody listens for: the catalog is down, the restore must not be
        Files.writeString(config, Files.readString(config) + "catalog:\n  url: jdbc:postgresql://127.0.0.1:1/lifeboat\n");
        List<String> command = new ArrayList<>(List.of("setsid", "-w"));
        command.addAll(LifeboatProcess.command("--config", config.toString(), "restore", "shop", "--apply"));
        LifeboatProcess.Run run = LifeboatProcess.run(command);
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("A person must run it"), run.err());
        assertTrue(run.err().contains("warning: the catalog cannot be opened, so this restore's steps are recorded in"),
                run.err());
        List<RestoreJournal.Entry> file = new JsonLinesRestoreJournal(dir.resolve("state")).entries();
        assertEquals(List.of(RestoreJournal.Event.REFUSED), file.stream().map(RestoreJournal.Entry::event).toList());
        assertFalse(file.get(0).backupId().isEmpty(), file.toString());
    }

    /** Types the database name (from the prompt) and {@code code} (or the code shown, when null). */
    private static String answer(String screen, Optional<String> code) {
        Matcher m = CODE.matcher(screen);
        Matcher db = Pattern.compile("restores into \\((\\w+)\\)").matcher(screen);
        if (!screen.contains("database: ") || !m.find() || !db.find()) {
            return null;
        }
        return db.group(1) + "\n" + code.orElse(m.group(1)) + "\n";
    }

    @Test
    void wrongCodeAtTheTerminalIsRefused() throws IOException {
        Path config = config();
        backup(config);
        String command = LifeboatProcess.shell(LifeboatProcess.command("--config", config.toString(), "restore", "shop", "--apply"));
        LifeboatProcess.Run run = LifeboatProcess.onTerminal(command, screen -> answer(screen, Optional.of("AAAA-AAAA")));
        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.out().contains("the code typed is not the one shown"), run.out());
        assertEquals(List.of(), restoredDatabases());
        assertEquals(List.of(RestoreJournal.Event.REFUSED), journal());
    }

    @Test
    void rightCodeOnARealTerminalRestoresTheDataOfBackupTime() throws IOException {
        Path config = config();
        Map<String, Long> atBackup = backupThenChangeTheSource(config);

        // stdout and stderr go to files, as a caller piping them would see them; the terminal is the pty
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        String command = LifeboatProcess.shell(LifeboatProcess.command("--config", config.toString(), "restore", "shop",
                "--apply", "--format", "json")) + " >'" + out + "' 2>'" + err + "'";
        LifeboatProcess.Run run = LifeboatProcess.onTerminal(command, screen -> answer(screen, Optional.empty()));
        String stdout = Files.readString(out);
        assertEquals(0, run.exitCode(), run.out() + "\n" + stdout + "\n" + Files.readString(err));
        Matcher shown = CODE.matcher(run.out());
        assertTrue(shown.find(), run.out());
        assertTrue(run.out().contains("PLAN (nothing has been changed)"), "the plan is shown on the terminal:\n" + run.out());
        assertFalse(stdout.contains(shown.group(1)) || Files.readString(err).contains(shown.group(1)),
                "the code must reach the terminal only");

        JsonNode result = JSON.readTree(stdout);
        assertEquals("PASSED", result.get("outcome").asText(), result.toString());
        String database = result.get("database").asText();
        assertTrue(database.startsWith("shop_restored_"), database);
        assertEquals(atBackup, source.rowCounts(database), "the restored data is the source's at backup time");
        assertTrue(result.get("checks").size() >= 3, result.toString());
        assertEquals(List.of(RestoreJournal.Event.CONFIRMED, RestoreJournal.Event.RESTORED), journal());
        String backupId = catalog().lastSuccessfulBackup("shop").orElseThrow().backupId().orElseThrow();
        for (RestoreJournal.Entry e : entries()) {
            assertEquals("shop", e.source(), e.toString());
            assertEquals(backupId, e.backupId(), e.toString());
            assertEquals(database, e.database(), e.toString());
            assertEquals(0, e.uid(), "run by root: " + e);
            assertEquals(entries().get(0).request(), e.request(), "one run id for the run's steps: " + e);
            assertFalse(e.detail().contains(shown.group(1)), "the catalog never holds the code: " + e);
        }
        assertTrue(entries().get(1).detail().startsWith("PASSED"), entries().toString());
        source.pg.execute("postgres", "DROP DATABASE \"" + database + "\";");
    }

    private record Executed(RestorePlan plan, RestoreResult result) {
    }

    /** The plan and its execution without the gate (the gates are tested through the command line above). */
    private static Executed planAndExecute(Path config, boolean replace) {
        return planAndExecute(config, replace, Ownership.AS_IN_BACKUP);
    }

    private static Executed planAndExecute(Path config, boolean replace, Ownership ownership) {
        try (Application app = Application.standard()) {
            var loaded = app.loadConfig(config);
            RestorePlan plan = new RestoreService(app, w -> { }).plan(loaded, new RestoreAsk("shop", Optional.empty(),
                    Optional.empty(), Optional.empty(), replace, ownership));
            return new Executed(plan, new RestoreExecutor(app).execute(loaded, plan));
        }
    }

    /**
     * A restore onto the real server gives every object its owner and grants back: restored as the
     * administrator, the application's role would be refused on every table. Where the server
     * lacks a role the backup names, the restore fails naming it and leaves nothing behind, and
     * {@code --no-owner} is the way out.
     */
    @Test
    void ownersAndGrantsComeBackAsInTheBackupAndAMissingRoleFailsUntilNoOwnerIsAsked() throws IOException {
        String owner = "lifeboat_owner_" + ProcessHandle.current().pid();
        String reader = "lifeboat_reader_" + ProcessHandle.current().pid();
        source.pg.execute("postgres", "CREATE ROLE " + owner + "; CREATE ROLE " + reader + ";");
        source.pg.execute("shop", "CREATE TABLE owned_things (id int PRIMARY KEY); INSERT INTO owned_things VALUES (1);"
                + " ALTER TABLE owned_things OWNER TO " + owner + "; GRANT SELECT ON owned_things TO " + reader + ";");
        try {
            Path config = config();
            backup(config);

            Executed kept = planAndExecute(config, false, Ownership.AS_IN_BACKUP);
            assertEquals(Outcome.PASSED, kept.result().outcome(), kept.result().reason());
            String restored = kept.result().database().orElseThrow();
            assertEquals(owner, source.pg.execute(restored, "SELECT tableowner FROM pg_tables WHERE tablename = 'owned_things';").strip());
            assertEquals("t", source.pg.execute(restored, "SELECT has_table_privilege('" + reader + "', 'owned_things', 'SELECT');").strip());
            assertTrue(RestorePlanText.text(kept.plan()).contains("owners    as in the backup"), RestorePlanText.text(kept.plan()));

            // the server loses a role the backup grants to
            source.pg.execute(restored, "DROP OWNED BY " + reader + ";");
            source.pg.execute("shop", "DROP OWNED BY " + reader + ";");
            source.pg.execute("postgres", "DROP ROLE " + reader + ";");
            List<String> before = restoredDatabases();
            Executed refused = planAndExecute(config, false, Ownership.AS_IN_BACKUP);
            assertEquals(Outcome.FAILED, refused.result().outcome(), refused.result().reason());
            assertTrue(refused.result().reason().contains("role \"" + reader + "\" does not exist"), refused.result().reason());
            assertEquals(before, restoredDatabases(), "the failed restore's new database is dropped");

            Executed noOwner = planAndExecute(config, false, Ownership.RESTORING_USER);
            assertEquals(Outcome.PASSED, noOwner.result().outcome(), noOwner.result().reason());
            String plain = noOwner.result().database().orElseThrow();
            assertEquals("postgres", source.pg.execute(plain, "SELECT tableowner FROM pg_tables WHERE tablename = 'owned_things';").strip());
            assertEquals("1", source.pg.execute(plain, "SELECT count(*) FROM owned_things;").strip());
            assertTrue(RestorePlanText.text(noOwner.plan()).contains("owners    --no-owner: every object will belong to postgres"),
                    RestorePlanText.text(noOwner.plan()));

            // A name of its own: the default (shop_restored_<second>) may be the one just restored
            // into when both fall in the same second, and a plan refuses an existing database.
            Cli.Run plan = Cli.run("--config", config.toString(), "restore", "shop", "--no-owner", "--into",
                    "shop_plan_" + ProcessHandle.current().pid(), "--format", "json");
            assertEquals(0, plan.exitCode(), plan.all());
            assertEquals("restoring_user", JSON.readTree(plan.out()).get("ownership").asText());
            assertTrue(JSON.readTree(plan.out()).get("ownership_note").asText().contains("every object will belong to postgres"), plan.out());
        } finally {
            source.pg.execute("shop", "DROP TABLE IF EXISTS owned_things;");
        }
    }

    /**
     * Two restores planned in the same second: the default name carries the second, so the second
     * restore takes the next numbered name instead of being refused for a name nobody chose.
     */
    @Test
    void aSecondRestoreInTheSameSecondTakesTheNextNumberedName() throws IOException {
        Path config = config();
        backup(config);
        // this second (a plan's age is measured from its instant), three plans within it
        Instant second = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusMillis(250);
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(java.time.ZoneOffset.UTC)
                .format(second);
        List<String> names = new ArrayList<>();
        try (Application app = Application.standard()) {
            var loaded = app.loadConfig(config);
            RestoreAsk ask = new RestoreAsk("shop", Optional.empty(), Optional.empty(), Optional.empty(), false,
                    Ownership.AS_IN_BACKUP);
            for (int i = 0; i < 3; i++) {
                RestorePlan plan = new RestorePlanner(app).plan(loaded, ask, second.plusMillis(100 * i));
                assertTrue(plan.existing().isEmpty(), plan.toString());
                RestoreResult r = new RestoreExecutor(app).execute(loaded, plan);
                assertEquals(Outcome.PASSED, r.outcome(), r.reason());
                names.add(r.database().orElseThrow());
            }
        }
        assertEquals(List.of("shop_restored_" + stamp, "shop_restored_" + stamp + "_2", "shop_restored_" + stamp + "_3"), names);
        assertEquals(names, restoredDatabases());

        // every numbered name taken: refused, naming the way out
        List<String> taken = new ArrayList<>(names);
        for (int n = 4; n <= 20; n++) {
            taken.add("shop_restored_" + stamp + "_" + n);
            source.pg.execute("postgres", "CREATE DATABASE \"shop_restored_" + stamp + "_" + n + "\";");
        }
        try (Application app = Application.standard()) {
            var loaded = app.loadConfig(config);
            LifeboatException refused = assertThrows(LifeboatException.class, () -> new RestorePlanner(app).plan(loaded,
                    new RestoreAsk("shop", Optional.empty(), Optional.empty(), Optional.empty(), false, Ownership.AS_IN_BACKUP),
                    second.plusMillis(500)));
            assertEquals(ExitCode.USAGE, refused.exitCode());
            assertTrue(refused.getMessage().contains("are all taken") && refused.getMessage().contains("--into"),
                    refused.getMessage());
        } finally {
            for (String name : taken) {
                source.pg.execute("postgres", "DROP DATABASE \"" + name + "\";");
            }
        }
    }

    @Test
    void aFlippedByteStopsTheRestoreBeforeTheDatabaseIsCreated() throws IOException {
        Path config = config();
        Path object = backup(config);
        Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-------"));
        try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
            f.seek(Files.size(object) / 2);
            int b = f.read();
            f.seek(Files.size(object) / 2);
            f.write(b ^ 0x01);
        }
        RestoreResult r = planAndExecute(config, false).result();
        assertEquals(Outcome.FAILED, r.outcome(), r.reason());
        assertTrue(r.reason().contains("did not verify, so nothing was created") && r.reason().contains("checksum mismatch"),
                r.reason());
        assertEquals(List.of(), restoredDatabases(), "the target database must never have been created");
    }

    @Test
    void aFailingCheckDropsTheNewDatabaseAndLeavesTheOriginal() throws IOException {
        Path config = config(DRILLS.replace("expect: \">= 1000\"", "expect: \"= 0\""));
        Map<String, Long> atBackup = backupThenChangeTheSource(config);
        Map<String, Long> current = source.rowCounts("shop");
        assertFalse(atBackup.equals(current));
        Executed executed = planAndExecute(config, true);
        assertEquals(Outcome.FAILED, executed.result().outcome(), executed.result().reason());
        assertTrue(executed.result().reason().contains("check \"customers\" FAILED")
                && executed.result().reason().contains("shop left as it was"), executed.result().reason());
        assertEquals(current, source.rowCounts("shop"), "the original is untouched");
        assertEquals(List.of(), restoredDatabases(), "the new database was dropped and nothing was renamed");
    }

    /**
     * Also: the database in its place has the replaced one's owner and database grants, which no
     * database's dump holds (here: owned by another role, CONNECT for one role and not for PUBLIC).
     */
    @Test
    void replaceSwapsInTheRestoredDatabaseAndKeepsTheOriginal() throws IOException {
        Path config = config();
        Map<String, Long> atBackup = backupThenChangeTheSource(config);
        Map<String, Long> current = source.rowCounts("shop");
        String dbOwner = "lifeboat_dbowner_" + ProcessHandle.current().pid();
        String app = "lifeboat_app_" + ProcessHandle.current().pid();
        String other = "lifeboat_other_" + ProcessHandle.current().pid();
        source.pg.execute("postgres", "CREATE ROLE " + dbOwner + "; CREATE ROLE " + app + "; CREATE ROLE " + other + ";"
                + " ALTER DATABASE shop OWNER TO " + dbOwner + "; REVOKE ALL ON DATABASE shop FROM PUBLIC;"
                + " GRANT CONNECT ON DATABASE shop TO " + app + "; GRANT TEMPORARY ON DATABASE shop TO " + app
                + " WITH GRANT OPTION; ALTER DATABASE shop SET search_path = \"$user\", public, \"Odd, \"\"Schema\";"
                + " ALTER DATABASE shop SET work_mem = '8MB'; ALTER DATABASE shop SET lifeboat.note = 'it''s here';"
                + " ALTER ROLE " + app + " IN DATABASE shop SET statement_timeout = '5s';");
        String settings = "SELECT COALESCE(r.rolname, '*') || ': ' || array_to_string(s.setconfig, ' | ') FROM pg_db_role_setting s"
                + " JOIN pg_database d ON d.oid = s.setdatabase LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE d.datname = 'shop'"
                + " ORDER BY 1;";
        String settingsBefore = source.pg.execute("postgres", settings);
        String aclBefore = source.pg.execute("postgres", "SELECT datacl FROM pg_database WHERE datname = 'shop';");
        try {
            Executed executed = planAndExecute(config, true);
            RestorePlan plan = executed.plan();
            RestoreResult r = executed.result();
            assertEquals(Outcome.PASSED, r.outcome(), r.reason());
            String kept = r.keptOldAs().orElseThrow();
            assertEquals(atBackup, source.rowCounts("shop"), "shop now holds the backup's data");
            assertEquals(current, source.rowCounts(kept), "the replaced database keeps every row it had");
            assertFalse(databases().contains(plan.restoreInto()), "the restoring name is gone after the swap");
            assertEquals(dbOwner, source.pg.execute("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database"
                    + " WHERE datname = 'shop';").strip());
            assertEquals("t", source.pg.execute("postgres", "SELECT has_database_privilege('" + app + "', 'shop', 'CONNECT');").strip());
            assertEquals("f", source.pg.execute("postgres", "SELECT has_database_privilege('" + other + "', 'shop', 'CONNECT');").strip(),
                    "PUBLIC's default CONNECT is not given back where the old database had revoked it");
            assertTrue(settingsBefore.contains("search_path=\"$user\", public, \"Odd, \"\"Schema\"")
                    && settingsBefore.contains(app + ": statement_timeout=5s"), settingsBefore);
            assertEquals(settingsBefore, source.pg.execute("postgres", settings), "the database's own settings, per role too");
            assertEquals("t", source.pg.execute("postgres", "SELECT has_database_privilege('" + app + "', 'shop',"
                    + " 'TEMPORARY WITH GRANT OPTION');").strip(), "a grant option is given back with its grant");
            assertEquals(aclBefore, source.pg.execute("postgres", "SELECT datacl FROM pg_database"
                    + " WHERE datname = 'shop';"));
            source.pg.execute("postgres", "DROP DATABASE \"" + kept + "\";");
        } finally {
            source.pg.execute("postgres", "ALTER DATABASE shop OWNER TO postgres; GRANT CONNECT, TEMPORARY ON DATABASE shop TO PUBLIC;"
                    + " REVOKE ALL ON DATABASE shop FROM " + app + " CASCADE; ALTER DATABASE shop RESET ALL;"
                    + " ALTER ROLE " + app + " IN DATABASE shop RESET ALL;");
        }
    }
}
