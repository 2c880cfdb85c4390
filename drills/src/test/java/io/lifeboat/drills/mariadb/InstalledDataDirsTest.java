package io.lifeboat.drills.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.drills.privateserver.PrivateServerException;
import io.lifeboat.drills.privateserver.ServerAccount;
import io.lifeboat.drills.testing.TestClusters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private servers get their data directory as a copy of one {@code mariadb-install-db} made once
 * per parent directory and server package: installed once, copied after, made once even when two
 * servers start together, and a server started from a copy works as an installed one does.
 */
class InstalledDataDirsTest {

    @TempDir
    Path tmp;

    private Path parent() throws IOException {
        Path parent = tmp.resolve("servers");
        TestClusters.openForServer(tmp);
        return parent;
    }

    private static List<Path> templates(Path parent) throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().startsWith(InstalledDataDirs.TEMPLATE_PREFIX)).toList();
        }
    }

    @Test
    void theFirstServerInstallsTheTemplateAndTheNextOnesCopyIt() throws Exception {
        Path parent = parent();
        int before = InstalledDataDirs.INSTALLS.get();
        try (PrivateMariaDbServer first = PrivateMariaDbServer.start(MariaDbTools.discover(), parent)) {
            assertEquals(before + 1, InstalledDataDirs.INSTALLS.get());
            assertEquals(1, templates(parent).size(), templates(parent).toString());
            try (PrivateMariaDbServer second = PrivateMariaDbServer.start(MariaDbTools.discover(), parent)) {
                assertEquals(before + 1, InstalledDataDirs.INSTALLS.get(), "the second server's data directory is a copy");
                MariaDbClient client = new MariaDbClient(second.tools(), MariaDbClient.Endpoint.socket(second.socket(),
                        PrivateMariaDbServer.SUPERUSER));
                client.execute("", "CREATE DATABASE copied; CREATE TABLE copied.t (id INT PRIMARY KEY) ENGINE=InnoDB;"
                        + " INSERT INTO copied.t VALUES (1), (2);", Duration.ofSeconds(30));
                assertEquals("2", client.query("copied", "SELECT COUNT(*) FROM t", Duration.ofSeconds(30)).value().orElseThrow());
                // the servers are independent: the first never saw the second's database
                MariaDbClient firstClient = new MariaDbClient(first.tools(), MariaDbClient.Endpoint.socket(first.socket(),
                        PrivateMariaDbServer.SUPERUSER));
                assertEquals("0", firstClient.query("", "SELECT COUNT(*) FROM information_schema.SCHEMATA"
                        + " WHERE SCHEMA_NAME = 'copied'", Duration.ofSeconds(30)).value().orElseThrow());
            }
        }
        assertEquals(1, templates(parent).size(), "the template outlives the servers; the servers' directories are gone");
        try (Stream<Path> s = Files.list(parent)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(PrivateMariaDbServer.NAME_PREFIX)).toList());
        }
        assertEquals(List.of(), PrivateMariaDbServer.reapOrphans(parent), "the orphan reaper leaves the template alone");
        assertEquals(1, templates(parent).size());
    }

    @Test
    void anInstallLeavesOtherServersTemporaryTablesInTheSystemTmpAlone() throws Exception {
        // A MariaDB server removes every "#sql…" file in its tmpdir as it starts; an install
        // bootstrapping in /tmp removed another install's (or any server's) temporary tables
        // there, which failed that install (seen once in CI with two installs at once).
        // (the servers' own account's file: another user's in the sticky /tmp it could not remove)
        Path other = Path.of(System.getProperty("java.io.tmpdir"), "#sql-lifeboat-test-" + System.nanoTime() + ".MAI");
        Files.createFile(other);
        try {
            ServerAccount.forThisProcess("mysql", "MariaDB").own(other);
            int before = InstalledDataDirs.INSTALLS.get();
            try (PrivateMariaDbServer server = PrivateMariaDbServer.start(MariaDbTools.discover(), parent())) {
                assertEquals(before + 1, InstalledDataDirs.INSTALLS.get(), "a fresh directory: installed");
            }
            assertTrue(Files.exists(other), "the install removed " + other);
        } finally {
            Files.deleteIfExists(other);
        }
    }

    @Test
    void twoServersStartingTogetherInAFreshDirectoryBothStartAndLeaveOneTemplate() throws Exception {
        Path parent = parent();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<PrivateMariaDbServer>> starts = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                starts.add(pool.submit(() -> PrivateMariaDbServer.start(MariaDbTools.discover(), parent)));
            }
            for (Future<PrivateMariaDbServer> f : starts) {
                try (PrivateMariaDbServer s = f.get()) {
                    assertTrue(Files.exists(s.socket()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, templates(parent).size(), "one template, no partial install left: " + templates(parent));
    }

    @Test
    void aBrokenTemplateFailsTheStartNamingItAndIsInstalledAnewForTheNextServer() throws Exception {
        Path parent = parent();
        try (PrivateMariaDbServer ignored = PrivateMariaDbServer.start(MariaDbTools.discover(), parent)) {
            // made
        }
        Path template = templates(parent).get(0);
        // a template someone broke: its system tables are gone
        io.lifeboat.drills.privateserver.PrivateDirectories.deleteTree(template.resolve("data").resolve("mysql"));
        PrivateServerException e = org.junit.jupiter.api.Assertions.assertThrows(PrivateServerException.class,
                () -> PrivateMariaDbServer.start(MariaDbTools.discover(), parent));
        assertTrue(e.getMessage().contains("copy of " + template + ", which is removed"), e.getMessage());
        try (Stream<Path> s = Files.list(parent)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(PrivateMariaDbServer.NAME_PREFIX)).toList(),
                    "a failed start leaves nothing behind");
        }
        int before = InstalledDataDirs.INSTALLS.get();
        try (PrivateMariaDbServer again = PrivateMariaDbServer.start(MariaDbTools.discover(), parent)) {
            assertEquals(before + 1, InstalledDataDirs.INSTALLS.get(), "installed anew");
            assertTrue(Files.exists(again.socket()));
        }
    }
}
