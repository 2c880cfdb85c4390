package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.privateserver.DirectoryProcesses;
import io.lifeboat.drills.privateserver.Orphans;
import io.lifeboat.drills.privateserver.ReapedCluster;
import io.lifeboat.drills.privateserver.ServerAccount;
import io.lifeboat.drills.privateserver.ServerMarker;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.EphemeralSandboxContract;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.testing.EngineFixtures;
import io.lifeboat.drills.testing.MariaDbFixtures;
import io.lifeboat.drills.testing.TestClusters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox contract for MariaDB's {@code ephemeral}, and what only a private server has to show. */
class EphemeralMariaDbSandboxProviderTest extends EphemeralSandboxContract {

    /** The installed data directory every private server here is copied from (InstalledDataDirs). */
    @Override
    protected boolean isSharedCache(Path entry) {
        return entry.getFileName().toString().startsWith(InstalledDataDirs.TEMPLATE_PREFIX);
    }

    @Override
    protected EngineFixtures fixtures() {
        return MariaDbFixtures.FIXTURES;
    }

    @Override
    protected SandboxProvider provider() {
        return new EphemeralMariaDbSandboxProvider(MariaDbTools::discover, parent);
    }

    @Override
    protected Path directoryOf(Sandbox sandbox) {
        return ((EphemeralMariaDbSandbox) sandbox).directory();
    }

    @Test
    void listensOnItsSocketOnlyAndRunsAsTheMysqlUserWhenRoot() throws Exception {
        try (EphemeralMariaDbSandbox sandbox = (EphemeralMariaDbSandbox) provider().create(request())) {
            assertEquals(Optional.of("1"), sandbox.query("SELECT @@skip_networking", Duration.ofSeconds(10)).value());
            assertEquals(Optional.of(EphemeralMariaDbSandbox.DATABASE),
                    sandbox.query("SELECT DATABASE()", Duration.ofSeconds(10)).value());
            List<ProcessHandle> server = DirectoryProcesses.find(sandbox.directory().resolve(Orphans.DATA_DIR), "mariadbd");
            assertEquals(1, server.size(), "one mariadbd in the sandbox's data directory");
            int uid = (Integer) Files.getAttribute(Path.of("/proc", Long.toString(server.get(0).pid())), "unix:uid");
            int expected = ServerAccount.effectiveUid() == 0 ? ServerAccount.forThisProcess("mysql", "MariaDB").uid()
                    : ServerAccount.effectiveUid();
            assertEquals(expected, uid, "mariadbd runs as mysql when lifeboat is root");
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(sandbox.directory())));
            assertTrue(sandbox.describe().startsWith("ephemeral MariaDB "), sandbox.describe());
        }
    }

    @Test
    void triggersRoutinesViewsEmojiAndBinaryDataRestore() throws Exception {
        try (Sandbox sandbox = provider().create(request())) {
            ShopRestore.assertRestoresWhole(sandbox);
        }
    }

    /**
     * A SQL dump cut just after a whole statement is a valid, shorter script: the client restores
     * it without a word. The missing completion line is what gives it away.
     */
    @Test
    void aDumpCutAfterAWholeStatementFailsTheRestore() throws Exception {
        byte[] good = Files.readAllBytes(MariaDbFixtures.good().file());
        String text = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1);
        int cut = text.indexOf("UNLOCK TABLES;\n", text.length() / 3) + "UNLOCK TABLES;\n".length();
        assertTrue(cut > text.length() / 3 && cut < text.length() - 1000, "a cut well inside the dump: " + cut);
        try (Sandbox sandbox = provider().create(request())) {
            io.lifeboat.drills.sandbox.RestoreFailedException e = assertThrows(io.lifeboat.drills.sandbox.RestoreFailedException.class,
                    () -> sandbox.restore(new java.io.ByteArrayInputStream(good, 0, cut), fixtures().dumpFormat()));
            assertTrue(e.getMessage().contains("cut short") && e.getMessage().contains("-- Dump completed"), e.getMessage());
        }
        try (Sandbox sandbox = provider().create(request())) {
            // the same dump whole restores, with or without the dump date on its last line
            sandbox.restore(new java.io.ByteArrayInputStream(good), fixtures().dumpFormat());
        }
    }

    @Test
    void aBackupOfAnotherEngineIsRefused() {
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class,
                () -> provider().create(new SandboxRequest("d", "r1", "postgres", "15.4")));
        assertTrue(e.getMessage().contains("postgres"), e.getMessage());
    }

    @Test
    void aServerWhoseOwnerDiedIsReaped() throws Exception {
        PrivateMariaDbServer server = PrivateMariaDbServer.start(MariaDbTools.discover(), parent);
        Path dir = server.directory();
        Path marker = parent.resolve(dir.getFileName() + ServerMarker.SUFFIX);
        // the owner "dies": its marker now names a process that does not exist
        ServerMarker dead = ServerMarker.read(marker).withOwner(Integer.MAX_VALUE, Optional.empty());
        Files.delete(marker);
        dead.createAt(marker);
        List<ReapedCluster> reaped = PrivateMariaDbServer.reapOrphans(parent);
        assertEquals(1, reaped.size(), reaped.toString());
        assertTrue(reaped.get(0).cleaned(), reaped.toString());
        assertTrue(reaped.get(0).serverWasRunning());
        assertFalse(Files.exists(dir));
        assertFalse(Files.exists(marker));
        assertTrue(DirectoryProcesses.find(dir.resolve(Orphans.DATA_DIR), "mariadbd").isEmpty());
        server.close(); // nothing left to do: idempotent on what the reaper removed
    }

    @Test
    void reapingLeavesLiveServersAndPostgresClustersAlone() throws Exception {
        try (PrivateMariaDbServer live = PrivateMariaDbServer.start(MariaDbTools.discover(), parent)) {
            Path pgName = parent.resolve("lifeboat-pg-0000000000aa");
            new ServerMarker(Integer.MAX_VALUE, Optional.empty(), Instant.now(), pgName, Path.of("/nonexistent"))
                    .createAt(parent.resolve(pgName.getFileName() + ServerMarker.SUFFIX));
            List<ReapedCluster> reaped = PrivateMariaDbServer.reapOrphans(parent);
            assertEquals(List.of(), reaped);
            assertTrue(Files.isDirectory(live.directory()));
            Files.delete(parent.resolve(pgName.getFileName() + ServerMarker.SUFFIX));
        }
    }
}
