package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.sandbox.DockerSandboxContract;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.testing.EngineFixtures;
import io.lifeboat.drills.testing.MariaDbFixtures;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox contract and the docker contract ({@link DockerSandboxContract}: no network, gone
 * after close, reaped after a killed JVM) for MariaDB's {@code docker}, and what is MariaDB's
 * own: the shop's triggers, routines, view, emoji and binary data, no password anywhere, and the
 * image for the source's version.
 */
class DockerMariaDbSandboxProviderTest extends DockerSandboxContract {

    private static final Duration QUERY = Duration.ofSeconds(30);

    @Override
    protected EngineFixtures fixtures() {
        return MariaDbFixtures.FIXTURES;
    }

    @Override
    protected SandboxProvider provider() {
        return new DockerMariaDbSandboxProvider(Optional.empty());
    }

    @Override
    protected String containerId(Sandbox sandbox) {
        return ((DockerMariaDbSandbox) sandbox).containerId();
    }

    @Override
    protected String imageProperty() {
        return DockerMariaDbSandboxProvider.IMAGE_PROPERTY;
    }

    @Override
    protected void assertSocketOnly(Sandbox sandbox) throws Exception {
        assertEquals(Optional.of("1"), sandbox.query("SELECT @@skip_networking", QUERY).value(), "socket only");
    }

    @Test
    void triggersRoutinesViewsEmojiAndBinaryDataRestore() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            ShopRestore.assertRestoresWhole(sandbox);
            assertTrue(sandbox.describe().startsWith("docker MariaDB 10.11"), sandbox.describe());
            assertEquals(List.of(), sandbox.warnings(), "same version as the source: nothing to warn about");
        }
    }

    /**
     * Root logs in on the socket without a password: none is set, so none is in the container's
     * environment, in any exec's, in argv of anything running in it, or in its log.
     */
    @Test
    void noPasswordExistsAnywhere() throws Exception {
        try (DockerMariaDbSandbox sandbox = (DockerMariaDbSandbox) provider().create(request())) {
            assertEquals(Optional.of("1"), sandbox.query("SELECT COUNT(*) FROM mysql.global_priv WHERE User = 'root'"
                    + " AND Host = 'localhost' AND JSON_VALUE(Priv, '$.authentication_string') = ''", QUERY).value(),
                    "root@localhost has an empty password");
            var inspect = docker().inspectContainerCmd(sandbox.containerId()).exec();
            List<String> env = new ArrayList<>(List.of(inspect.getConfig().getEnv()));
            assertFalse(env.stream().anyMatch(e -> e.matches("(?i)^(MARIADB|MYSQL)_(ROOT_)?PASSWORD=.*|^MYSQL_PWD=.*")), env.toString());
            assertTrue(env.contains("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1"), env.toString());
            // every process in the container now, the server included: nothing that looks like a password
            String processes = exec(sandbox.containerId(), "sh", "-c",
                    "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; tr '\\0' '\\n' < $p/environ; done").stdout();
            assertFalse(processes.replace("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1", "").toLowerCase(java.util.Locale.ROOT)
                    .contains("password="), processes);
            assertFalse(processes.contains("MYSQL_PWD"), processes);
            assertTrue(processes.contains("--skip-networking"), "the server runs with the sandbox's options: " + processes);
        }
    }

    @Test
    void aQueryOfTheCheckRunsInTheContainerAsItsRoot() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            assertEquals(Optional.of("root@localhost"), sandbox.query("SELECT CURRENT_USER()", QUERY).value());
            assertEquals(Optional.of(DockerMariaDbSandbox.DATABASE), sandbox.query("SELECT DATABASE()", QUERY).value());
            assertEquals(Optional.of("utf8mb4"), sandbox.query("SELECT @@character_set_server", QUERY).value());
        }
    }

    @Test
    void theDrillsImageWinsOverThePropertyWhichWinsOverTheSourcesVersion() throws Exception {
        String property = System.getProperty(DockerMariaDbSandboxProvider.IMAGE_PROPERTY);
        assertEquals(DockerImageName.parse("registry.example.net/mariadb:11.4.3"),
                new DockerMariaDbSandboxProvider(Optional.of("registry.example.net/mariadb:11.4.3")).imageFor("10.11.6-MariaDB"));
        assertEquals(DockerImageName.parse(property), new DockerMariaDbSandboxProvider(Optional.empty()).imageFor("11.4.3-MariaDB"));
        try {
            System.clearProperty(DockerMariaDbSandboxProvider.IMAGE_PROPERTY);
            DockerMariaDbSandboxProvider defaults = new DockerMariaDbSandboxProvider(Optional.empty());
            assertEquals(DockerImageName.parse("mariadb:10.11"), defaults.imageFor("10.11.19-MariaDB-0+deb12u1"));
            assertEquals(DockerImageName.parse("mariadb:11.4"), defaults.imageFor("11.4.3-MariaDB-ubu2404"));
            assertEquals(DockerImageName.parse("mariadb:5.5"), defaults.imageFor("5.5.68-MariaDB"));
            for (String noMariaDb : List.of("8.0.36", "unknown")) {
                SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> defaults.imageFor(noMariaDb));
                assertTrue(e.getMessage().contains("set image:"), e.getMessage());
            }
        } finally {
            System.setProperty(DockerMariaDbSandboxProvider.IMAGE_PROPERTY, property);
        }
    }

    @Test
    void aBackupOfAnotherEngineIsNotForThisSandbox() {
        SandboxRequest postgres = new SandboxRequest("contract", "p1", "postgres", "15.6");
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> provider().create(postgres));
        assertTrue(e.getMessage().contains("postgres"), e.getMessage());
    }
}
