package io.lifeboat.drills.postgres;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.EphemeralSandboxContract;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;
import io.lifeboat.drills.testing.LinuxProcesses;
import io.lifeboat.drills.testing.TestClusters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox contract for {@code ephemeral}, and what only a private cluster has to show. */
class EphemeralPostgresSandboxProviderTest extends EphemeralSandboxContract {

    @Override
    protected SandboxProvider provider() {
        return new EphemeralPostgresSandboxProvider(PostgresInstallations.discover(), parent);
    }

    @Override
    protected Path directoryOf(Sandbox sandbox) {
        return ((EphemeralPostgresSandbox) sandbox).directory();
    }

    @Test
    void listensOnItsSocketOnly() throws Exception {
        try (EphemeralPostgresSandbox sandbox = (EphemeralPostgresSandbox) provider().create(request())) {
            assertEquals(Optional.of(""), sandbox.query("SHOW listen_addresses", Duration.ofSeconds(10)).value());
            int port = Integer.parseInt(sandbox.query("SHOW port", Duration.ofSeconds(10)).value().orElseThrow());
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                }
            });
            assertEquals(Optional.of(EphemeralPostgresSandbox.DATABASE),
                    sandbox.query("SELECT current_database()", Duration.ofSeconds(10)).value());
            assertEquals(Optional.of("off"), sandbox.query("SHOW fsync", Duration.ofSeconds(10)).value());
            assertEquals(List.of(), sandbox.warnings(), "the source's major is installed: no warning");
        }
    }

    @Test
    void aSourceMajorThatIsNotInstalledGetsTheNewestWithAWarning() throws Exception {
        SandboxRequest from99 = new SandboxRequest("contract", "v99", "postgres", "99.1 (Debian 99.1-1)");
        try (EphemeralPostgresSandbox sandbox = (EphemeralPostgresSandbox) provider().create(from99)) {
            assertEquals(PostgresInstallations.discover().newestServer(), sandbox.installation());
            assertEquals(1, sandbox.warnings().size(), sandbox.warnings().toString());
            String w = sandbox.warnings().get(0);
            assertTrue(w.contains("PostgreSQL 99") && w.contains("postgresql-99") && w.contains("older than the source"), w);
        }
    }

    @Test
    void noServerBinariesMeansUnavailable() {
        SandboxProvider none = new EphemeralPostgresSandboxProvider(PostgresInstallations.of(List.of()), parent);
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> none.create(request()));
        assertTrue(e.getMessage().contains("no PostgreSQL server binaries"), e.getMessage());
    }

    @Test
    void aBackupOfAnotherEngineIsNotForThisSandbox() {
        SandboxRequest maria = new SandboxRequest("contract", "m1", "mariadb", "10.11.6-MariaDB");
        assertThrows(SandboxUnavailableException.class, () -> provider().create(maria));
    }

    /** A drill JVM killed mid-restore leaves its sandbox running; the next create reaps it and says so. */
    @Test
    void theSandboxOfAKilledJvmIsReapedByTheNextCreate() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(java, "-cp", classPath, OrphanedClusterMain.class.getName(),
                parent.toString(), TestClusters.installation().binDir().toString());
        Path orphanDir;
        long postmaster;
        try (ChildProcess jvm = ChildProcess.start(command)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.stdout(), StandardCharsets.UTF_8));
            String ready = assertTimeoutPreemptively(Duration.ofSeconds(60), out::readLine);
            if (ready == null) {
                throw new AssertionError("child JVM ended early: " + jvm.waitFor(10, TimeUnit.SECONDS).describe());
            }
            String[] f = ready.split(" ");
            orphanDir = Path.of(f[1]);
            postmaster = Long.parseLong(f[2]);
            ProcessHandle.of(jvm.pid()).orElseThrow().destroyForcibly();
            jvm.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(LinuxProcesses.isRunning(postmaster), "the orphan's server outlives its JVM");

        try (EphemeralPostgresSandbox sandbox = (EphemeralPostgresSandbox) provider().create(request())) {
            assertFalse(Files.exists(orphanDir));
            assertTrue(LinuxProcesses.awaitExit(postmaster, Duration.ofSeconds(5)));
            assertEquals(1, sandbox.warnings().size(), sandbox.warnings().toString());
            String w = sandbox.warnings().get(0);
            assertTrue(w.contains(orphanDir.toString()) && w.contains("left behind") && w.contains("still running"), w);
            try (Stream<Path> left = Files.list(parent)) {
                assertEquals(2, left.count(), "only the new sandbox and its marker");
            }
        }
    }

}
