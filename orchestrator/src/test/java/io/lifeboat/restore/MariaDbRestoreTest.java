package io.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Application;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.restore.Ownership;
import io.lifeboat.drills.testing.MachineMariaDb;
import io.lifeboat.drills.testing.TestClusters;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.MariaDbSampleSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat restore} of a MariaDB source onto the machine's MariaDB, as the source's own
 * login: a new database, the drill checks against it, the data as it was at backup time, the
 * DEFINER accounts kept unless {@code --no-owner}, and {@code --replace} refused in the plan
 * (MariaDB cannot swap a database). The gates are engine-neutral and tested in
 * {@link RestoreCommandTest} and {@link RestoreApprovalTest}; here the plan is executed directly.
 */
class MariaDbRestoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static MariaDbSampleSource source;

    @BeforeAll
    static void startSource() throws IOException {
        TestClusters.openForServer(shared);
        source = MariaDbSampleSource.start(shared, 2_000);
        // A restore login creates databases: here only those named like the source's restores.
        MachineMariaDb.execute("", "GRANT ALL ON `" + source.database.replace("_", "\\_") + "\\_restored\\_%`.* TO '"
                + source.user + "'@'127.0.0.1';");
    }

    @AfterAll
    static void dropSource() {
        source.close();
    }

    @AfterEach
    void dropRestored() {
        restored().forEach(d -> MachineMariaDb.execute("", "DROP DATABASE IF EXISTS " + MachineMariaDb.identifier(d)));
    }

    @TempDir
    Path dir;

    private static final String CHECKS = """
            drills:
              shop-drill:
                source: shop
                sandbox: ephemeral
                checks:
                  - name: the view and the function agree
                    sql: SELECT COUNT(*) FROM order_totals t WHERE t.total <> order_total(t.id)
                    expect: "= 0"
                  - name: trigger rows restored once
                    sql: SELECT COUNT(*) FROM order_audit
                    expect: "= 1000"
            """;

    private static List<String> restored() {
        return MachineMariaDb.databasesLike(source.database + "_restored_");
    }

    private record Executed(RestorePlan plan, RestoreResult result) {
    }

    private static Executed planAndExecute(Path config, Ownership ownership) {
        try (Application app = Application.standard()) {
            var loaded = app.loadConfig(config);
            RestorePlan plan = new RestoreService(app, w -> { }).plan(loaded, new RestoreAsk("shop", Optional.empty(),
                    Optional.empty(), Optional.empty(), false, ownership));
            return new Executed(plan, new RestoreExecutor(app).execute(loaded, plan));
        }
    }

    private static String definerOfTheView(String database) {
        return MachineMariaDb.execute("", "SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + database
                + "' AND TABLE_NAME = 'order_totals'").strip();
    }

    @Test
    void aBackupRestoresIntoANewDatabaseWithItsDefinersOrAsTheLoginWithNoOwner() throws IOException {
        Path config = source.writeConfig("url: file://" + dir.resolve("repo"), CHECKS, false);
        Cli.Run backup = Cli.run("--config", config.toString(), "backup", "run", "shop");
        assertEquals(0, backup.exitCode(), backup.all());
        Map<String, Long> atBackup = source.rowCounts();
        MachineMariaDb.execute(source.database, "INSERT INTO notes VALUES (999999, 'after the backup')");
        String sourceDefiner = definerOfTheView(source.database);

        // The fixture's views and routines are defined by another account: keeping that needs SET USER.
        Executed refused = planAndExecute(config, Ownership.AS_IN_BACKUP);
        assertEquals(Outcome.FAILED, refused.result().outcome(), refused.result().reason());
        assertTrue(refused.result().reason().contains("SET USER") || refused.result().reason().contains("SUPER"),
                refused.result().reason());
        assertEquals(List.of(), restored(), "the failed restore's new database is dropped");
        assertTrue(RestorePlanText.text(refused.plan()).contains("owners    as in the backup: views, triggers, routines and"
                + " events keep their DEFINER accounts"), RestorePlanText.text(refused.plan()));

        Executed plain = planAndExecute(config, Ownership.RESTORING_USER);
        assertEquals(Outcome.PASSED, plain.result().outcome(), plain.result().reason());
        String db = plain.result().database().orElseThrow();
        assertEquals(atBackup, io.lifeboat.drills.testing.MariaDbFixtures.rowCounts(db), "the data as it was at backup time");
        assertTrue(definerOfTheView(db).startsWith(source.user + "@"), definerOfTheView(db));
        MachineMariaDb.execute("", "DROP DATABASE " + MachineMariaDb.identifier(db));

        MachineMariaDb.execute("", "GRANT SET USER ON *.* TO '" + source.user + "'@'127.0.0.1';");
        try {
            Executed kept = planAndExecute(config, Ownership.AS_IN_BACKUP);
            assertEquals(Outcome.PASSED, kept.result().outcome(), kept.result().reason());
            assertEquals(sourceDefiner, definerOfTheView(kept.result().database().orElseThrow()), "the DEFINER as in the backup");
        } finally {
            MachineMariaDb.execute("", "REVOKE SET USER ON *.* FROM '" + source.user + "'@'127.0.0.1';");
        }
    }

    @Test
    void replaceIsRefusedInThePlanBecauseMariaDbCannotSwapADatabase() throws IOException {
        Path config = source.writeConfig("url: file://" + dir.resolve("repo"), CHECKS, false);
        Cli.Run backup = Cli.run("--config", config.toString(), "backup", "run", "shop");
        assertEquals(0, backup.exitCode(), backup.all());

        Cli.Run replace = Cli.run("--config", config.toString(), "restore", "shop", "--replace");
        assertEquals(2, replace.exitCode(), replace.all());
        assertTrue(replace.err().contains("--replace is not possible on MariaDB at 127.0.0.1:3306")
                && replace.err().contains("no RENAME DATABASE"), replace.all());

        Cli.Run into = Cli.run("--config", config.toString(), "restore", "shop", "--into", source.database);
        assertEquals(2, into.exitCode(), into.all());
        assertTrue(into.err().contains("Choose another --into"), into.all());

        Cli.Run plan = Cli.run("--config", config.toString(), "restore", "shop", "--format", "json");
        assertEquals(0, plan.exitCode(), plan.all());
        assertEquals("as_in_backup", JSON.readTree(plan.out()).get("ownership").asText());
        assertEquals(List.of(), restored(), "a plan creates nothing");
    }
}
