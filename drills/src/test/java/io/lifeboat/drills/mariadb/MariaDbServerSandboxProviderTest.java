package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.DrillResult;
import io.lifeboat.drills.DrillRunner;
import io.lifeboat.drills.DrillSpec;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.sandbox.ProtectedDatabase;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxProviderContract;
import io.lifeboat.drills.sandbox.SandboxRefusedException;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.testing.EngineFixtures;
import io.lifeboat.drills.testing.FixtureBackup;
import io.lifeboat.drills.testing.MachineMariaDb;
import io.lifeboat.drills.testing.MariaDbFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox contract for MariaDB's {@code server}: the declared sandbox server is the machine's
 * MariaDB, logged into as a user of this test's own with a random password (so the option-file
 * path is exercised for real) that may create only {@code lifeboat_drill_…} databases: no SUPER,
 * so restoring views, triggers and routines of another definer works only thanks to the definer
 * rewrite.
 */
class MariaDbServerSandboxProviderTest extends SandboxProviderContract {

    @TempDir
    static Path secrets;
    static String user;
    static String password;
    static SandboxServer declared;

    @BeforeAll
    static void createDrillUser() throws Exception {
        user = MachineMariaDb.uniqueName("lb_drill_");
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        // characters an option file must quote: # starts a comment, " and \ need escaping
        password = "p#\"w\\" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String account = "'" + user + "'@'127.0.0.1'";
        MachineMariaDb.execute("", "CREATE USER " + account + " IDENTIFIED BY '" + password.replace("\\", "\\\\")
                .replace("'", "\\'") + "'; GRANT ALL PRIVILEGES ON `lifeboat\\_drill\\_%`.* TO " + account + ";");
        Path file = secrets.resolve("drill.password");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n");
        declared = new SandboxServer("machine", MachineMariaDb.HOST, MachineMariaDb.PORT, user, Optional.of(file), "disable");
    }

    @AfterAll
    static void dropDrillUser() {
        MachineMariaDb.execute("", "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
    }

    @Override
    protected EngineFixtures fixtures() {
        return MariaDbFixtures.FIXTURES;
    }

    @Override
    protected SandboxProvider provider() {
        return new MariaDbServerSandboxProvider(declared, new SandboxGuard(List.of(), List.of(declared)), MariaDbTools::discover);
    }

    private static String runPrefix() {
        return "lifeboat_drill_contract_run" + ProcessHandle.current().pid() + "_";
    }

    @Override
    protected void assertRemoved(Sandbox closed) {
        assertEquals(List.of(), MachineMariaDb.databasesLike(((MariaDbServerSandbox) closed).database()));
    }

    @Test
    void aRestoreRunningPastTwiceMaxRestoreTimeIsStoppedAndTheDrillFails() throws Exception {
        // A restore that hangs (here a statement that sleeps a minute) must not hold the drill,
        // its sandbox and the next drill's lock for a day: past twice max_restore_time it is stopped.
        Path dump = secrets.resolve("sleeps.sql");
        Files.writeString(dump, "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\nSELECT SLEEP(60);\n");
        FixtureBackup backup = new FixtureBackup("sleeps.sql", "shop/sleeps", Instant.now(), "mariadb", "10.11.6-MariaDB",
                MariaDbDumpFormats.SQL, Map.of(), Optional.empty(), FixtureBackup.streaming(dump));
        DrillSpec spec = new DrillSpec("slow", List.of(), Optional.empty(), Optional.of(Duration.ofSeconds(2)), 0.0);

        long t0 = System.nanoTime();
        DrillResult r = new DrillRunner(provider(), Clock.systemUTC()).run(spec, backup, "slow1");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertEquals(Outcome.FAILED, r.outcome(), r.reason());
        assertTrue(r.reason().startsWith("restore stopped after 4 s, twice max_restore_time (2 s): mariadb did not finish within 4 s"
                + " and was stopped"), r.reason());
        assertFalse(r.reason().contains("line number"), "no line was reported: " + r.reason());
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "the drill took " + took + ": the restore was not stopped");
        assertEquals(Outcome.PASSED, r.steps().stream().filter(s -> s.name().equals("teardown")).findFirst().orElseThrow().status(),
                r.steps().toString());
    }

    @Test
    void theThrowawayDatabaseIsNamedForTheDrillAndRunAndDropped() throws Exception {
        String name;
        try (MariaDbServerSandbox sandbox = (MariaDbServerSandbox) provider().create(
                new SandboxRequest("Shop Quarterly", "20250101T030000-" + ProcessHandle.current().pid(), "mariadb", "10.11.6"))) {
            name = sandbox.database();
            assertEquals("lifeboat_drill_shop_quarterly_20250101t030000_" + ProcessHandle.current().pid(), name);
            assertEquals(List.of(name), MachineMariaDb.databasesLike(name));
            assertEquals(Optional.of(name), sandbox.query("SELECT DATABASE()", Duration.ofSeconds(10)).value());
            assertEquals(Optional.of(user + "@127.0.0.1"), sandbox.query("SELECT CURRENT_USER()", Duration.ofSeconds(10)).value());
            assertFalse(sandbox.describe().contains(password), "no password in describe()");
        }
        assertEquals(List.of(), MachineMariaDb.databasesLike(name));
    }

    @Test
    void theGuardRefusesBeforeAnythingIsCreated() {
        SandboxGuard guard = new SandboxGuard(List.of(new ProtectedDatabase("shop", "localhost", MachineMariaDb.PORT,
                "lifeboat_drill_prod")), List.of(declared));
        SandboxRefusedException e = assertThrows(SandboxRefusedException.class, () -> new MariaDbServerSandboxProvider(
                declared, guard, MariaDbTools::discover, r -> "lifeboat_drill_prod").create(request()));
        assertTrue(e.getMessage().contains(SandboxGuard.RULE_SOURCE), e.getMessage());
        assertThrows(SandboxRefusedException.class, () -> new MariaDbServerSandboxProvider(declared,
                new SandboxGuard(List.of(), List.of(declared)), MariaDbTools::discover, r -> "shop").create(request()));
        assertEquals(List.of(), MachineMariaDb.databasesLike("lifeboat_drill_prod"));
        assertEquals(List.of(), MachineMariaDb.databasesLike("shop"));
    }

    @Test
    void aWrongPasswordIsUnavailableAndNotEchoed() throws Exception {
        Path wrong = secrets.resolve("wrong.password");
        Files.writeString(wrong, "not-the-password-7Hk\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        SandboxServer bad = new SandboxServer("machine", MachineMariaDb.HOST, MachineMariaDb.PORT, user, Optional.of(wrong),
                "disable");
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> new MariaDbServerSandboxProvider(
                bad, new SandboxGuard(List.of(), List.of(bad)), MariaDbTools::discover).create(request()));
        assertTrue(e.getMessage().contains("Access denied"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password-7Hk"));
        assertTrue(MachineMariaDb.databasesLike(runPrefix()).isEmpty());
    }
}
