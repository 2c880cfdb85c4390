package io.lifeboat.drills;

import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import io.lifeboat.drills.postgres.ServerSandboxProvider;
import io.lifeboat.drills.sandbox.ProtectedDatabase;
import io.lifeboat.drills.sandbox.SandboxGuard;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxServer;
import io.lifeboat.drills.testing.DumpFixtures;
import io.lifeboat.drills.testing.ServerSandboxes;
import io.lifeboat.drills.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.lifeboat.drills.DrillRunnerTest.shopQuarterly;
import static io.lifeboat.drills.DrillRunnerTest.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drills in {@code server} sandboxes, and the sandbox guard: each rule refuses, the refusal is a
 * FAILED drill naming the rule, and nothing was created on the server.
 */
class DrillRunnerOnServerTest {

    @TempDir
    static Path secrets;
    static PrivatePostgresCluster server;
    static SandboxServer declared;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestClusters.start();
        declared = ServerSandboxes.declare(server, secrets);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void noThrowawayDatabaseIsLeft() throws Exception {
        assertEquals(List.of(), ServerSandboxes.throwawayDatabases(server));
    }

    private DrillResult run(SandboxProvider provider, io.lifeboat.drills.DrillBackup backup, String runId) {
        return DrillRunnerTest.show(new DrillRunner(provider, Clock.systemUTC()).run(shopQuarterly(), backup, runId));
    }

    private static ServerSandboxProvider provider(SandboxGuard guard) {
        return new ServerSandboxProvider(declared, guard, PostgresInstallations.discover());
    }

    @Test
    void aGoodBackupPassesAndItsDatabaseIsDropped() {
        DrillResult r = run(provider(new SandboxGuard(List.of(), List.of(declared))), DumpFixtures.goodBackup(Instant.now()), "ok1");

        assertEquals(Outcome.PASSED, r.outcome(), r.reason());
        assertTrue(r.sandbox().contains("lifeboat_drill_shop_quarterly_ok1"), r.sandbox());
        assertEquals(Outcome.PASSED, step(r, "teardown").status());
    }

    @Test
    void aFailedRestoreIsTornDownToo() {
        DrillResult r = run(provider(new SandboxGuard(List.of(), List.of(declared))), DumpFixtures.truncatedBackup(Instant.now()),
                "bad1");

        assertEquals(Outcome.FAILED, r.outcome());
        assertTrue(r.reason().startsWith("restore failed: pg_restore exited with status 1"), r.reason());
        assertEquals(Outcome.PASSED, step(r, "teardown").status());
    }

    @Test
    void theGuardRefusesADatabaseThatIsASource() {
        String runId = "prod1";
        String target = ServerSandboxProvider.throwawayDatabaseName("shop-quarterly", runId);
        // the source is spelled "localhost", the sandbox server "127.0.0.1": still the same place
        ProtectedDatabase source = new ProtectedDatabase("shop", "localhost", server.port(), target);
        DrillResult r = run(provider(new SandboxGuard(List.of(source), List.of(declared))), DumpFixtures.goodBackup(Instant.now()),
                runId);

        assertRefused(r, SandboxGuard.RULE_SOURCE);
        assertTrue(r.reason().contains("127.0.0.1:" + server.port() + "/" + target), r.reason());
        assertTrue(r.reason().contains("source \"shop\""), r.reason());
    }

    @Test
    void theGuardRefusesADatabaseWithoutTheDrillPrefix() {
        SandboxProvider unprefixed = new ServerSandboxProvider(declared, new SandboxGuard(List.of(), List.of(declared)),
                PostgresInstallations.discover(), request -> "shop_copy_" + request.runId());
        DrillResult r = run(unprefixed, DumpFixtures.goodBackup(Instant.now()), "noprefix1");

        assertRefused(r, SandboxGuard.RULE_PREFIX);
        assertTrue(r.reason().contains("/shop_copy_noprefix1"), r.reason());
        assertEquals(List.of("postgres", "template0", "template1"), databases(), "nothing was created");
    }

    @Test
    void theGuardRefusesAServerThatIsNotDeclared() {
        SandboxServer other = new SandboxServer("staging", "127.0.0.1", 1, "postgres", Optional.empty(), "disable");
        DrillResult r = run(provider(new SandboxGuard(List.of(), List.of(other))), DumpFixtures.goodBackup(Instant.now()),
                "undeclared1");

        assertRefused(r, SandboxGuard.RULE_DECLARED);
        assertTrue(r.reason().contains("127.0.0.1:" + server.port()) && r.reason().contains("staging at 127.0.0.1:1"),
                r.reason());
    }

    @Test
    void aSandboxServerThatIsDownErrors() throws Exception {
        SandboxServer down = new SandboxServer("down", "127.0.0.1", ServerSandboxes.closedPort(), "postgres",
                Optional.empty(), "disable");
        SandboxProvider p = new ServerSandboxProvider(down, new SandboxGuard(List.of(), List.of(down)),
                PostgresInstallations.discover());
        DrillResult r = run(p, DumpFixtures.goodBackup(Instant.now()), "down1");

        assertEquals(Outcome.ERRORED, r.outcome());
        assertTrue(r.reason().startsWith("could not create the server sandbox: cannot reach sandbox server down"), r.reason());
        assertTrue(r.reason().contains("Connection refused | Is the server running"), r.reason());
    }

    private void assertRefused(DrillResult r, String rule) {
        assertEquals(Outcome.FAILED, r.outcome(), r.reason());
        assertTrue(r.reason().startsWith("sandbox guard refused to restore into "), r.reason());
        assertTrue(r.reason().contains(rule), r.reason());
        assertEquals(Outcome.FAILED, step(r, "sandbox").status());
        assertTrue(r.steps().stream().noneMatch(s -> s.name().equals("restore") || s.name().equals("teardown")),
                r.steps().toString());
        assertEquals(List.of("postgres", "template0", "template1"), databases(), "nothing was created on the server");
    }

    private static List<String> databases() {
        return List.of(server.execute("postgres", "SELECT datname FROM pg_database ORDER BY 1").split("\n"));
    }
}
