package io.lifeboat.drills.postgres;

import io.lifeboat.drills.privateserver.ReapedCluster;
import io.lifeboat.drills.privateserver.ServerMarker;
import io.lifeboat.drills.privateserver.ServerAccount;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.testing.LinuxProcesses;
import io.lifeboat.drills.testing.TestClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A drill process that dies with a cluster open leaves a marker; the next reapOrphans cleans up. */
class OrphanReapingTest {

    @TempDir
    Path tmp;

    @Test
    void reapsTheClusterOfAKilledJvm() throws Exception {
        Path parent = TestClusters.openForServer(tmp);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire puts the real class path here (java.class.path may be a manifest-only jar)
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(java, "-cp", classPath, OrphanedClusterMain.class.getName(),
                parent.toString(), TestClusters.installation().binDir().toString());

        Path clusterDir;
        long postmaster;
        try (ChildProcess jvm = ChildProcess.start(command)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.stdout(), StandardCharsets.UTF_8));
            String ready = assertTimeoutPreemptively(Duration.ofSeconds(60), out::readLine);
            if (ready == null) {
                throw new AssertionError("child JVM ended early: " + jvm.waitFor(10, TimeUnit.SECONDS).describe());
            }
            String[] f = ready.split(" ");
            assertEquals("READY", f[0], ready);
            clusterDir = Path.of(f[1]);
            postmaster = Long.parseLong(f[2]);

            // Only the JVM: its server lives on, as after a real crash (no shutdown hook runs on SIGKILL).
            ProcessHandle.of(jvm.pid()).orElseThrow().destroyForcibly();
            assertEquals(137, jvm.waitFor(10, TimeUnit.SECONDS).exitCode());
        }
        assertTrue(LinuxProcesses.isRunning(postmaster), "the orphaned server keeps running");
        assertTrue(Files.isDirectory(clusterDir));

        List<ReapedCluster> reaped = PrivatePostgresCluster.reapOrphans(parent);

        assertEquals(1, reaped.size(), reaped.toString());
        ReapedCluster r = reaped.get(0);
        assertTrue(r.cleaned(), r.toString());
        assertTrue(r.serverWasRunning());
        assertEquals(clusterDir, r.clusterDir());
        assertTrue(LinuxProcesses.awaitExit(postmaster, Duration.ofSeconds(5)), "postmaster stopped");
        assertFalse(Files.exists(clusterDir));
        assertEmpty(parent);
        assertEquals(List.of(), PrivatePostgresCluster.reapOrphans(parent), "nothing left to reap");
    }

    @Test
    void leavesClustersOfLiveOwnersAlone() throws IOException {
        Path parent = TestClusters.openForServer(tmp);
        try (PrivatePostgresCluster mine = PrivatePostgresCluster.start(TestClusters.installation(),
                PrivatePostgresCluster.Options.socketOnly(parent))) {
            assertEquals(List.of(), PrivatePostgresCluster.reapOrphans(parent));
            assertEquals("1", mine.execute("postgres", "SELECT 1"));
        }
        assertEmpty(parent);
    }

    @Test
    void aReusedPidDoesNotKeepAnOrphanAlive() throws IOException {
        Path parent = TestClusters.openForServer(tmp);
        // A marker naming this very JVM's pid, but an owner that started an hour earlier: the pid was reused.
        String name = "lifeboat-pg-0123456789ab";
        Path dir = Files.createDirectory(parent.resolve(name));
        Files.writeString(dir.resolve("leftover"), "x");
        ServerMarker stale = ServerMarker.forThisProcess(dir, TestClusters.installation().binDir())
                .withOwner(ProcessHandle.current().pid(),
                        Optional.of(ProcessHandle.current().info().startInstant().orElseThrow().minusSeconds(3600)));
        stale.createAt(parent.resolve(name + ServerMarker.SUFFIX));

        List<ReapedCluster> reaped = PrivatePostgresCluster.reapOrphans(parent);

        assertEquals(1, reaped.size());
        assertTrue(reaped.get(0).cleaned(), reaped.toString());
        assertFalse(reaped.get(0).serverWasRunning());
        assertEmpty(parent);
    }

    @Test
    void deletesOnlyTheMarkersSiblingWhateverTheMarkerSays() throws IOException {
        Path parent = TestClusters.openForServer(tmp.resolve("parent").toFile().mkdir() ? tmp.resolve("parent") : null);
        Path precious = Files.createDirectory(tmp.resolve("precious"));
        Files.writeString(precious.resolve("keep"), "x");
        String name = "lifeboat-pg-00000000dead";
        new ServerMarker(Integer.MAX_VALUE, Optional.empty(), Instant.now(), precious, Path.of("/nonexistent/bin"))
                .createAt(parent.resolve(name + ServerMarker.SUFFIX));
        Files.writeString(parent.resolve("not-a-marker" + ServerMarker.SUFFIX), "{}");
        Files.writeString(parent.resolve("lifeboat-pg-0000000000aa" + ServerMarker.SUFFIX), "garbage");

        List<ReapedCluster> reaped = PrivatePostgresCluster.reapOrphans(parent);

        assertEquals(1, reaped.size());
        assertEquals(parent.resolve(name), reaped.get(0).clusterDir());
        assertTrue(Files.exists(precious.resolve("keep")));
        assertFalse(Files.exists(parent.resolve(name + ServerMarker.SUFFIX)));
        assertTrue(Files.exists(parent.resolve("not-a-marker" + ServerMarker.SUFFIX)), "unknown names are left alone");
        assertTrue(Files.exists(parent.resolve("lifeboat-pg-0000000000aa" + ServerMarker.SUFFIX)),
                "unreadable markers are left alone");
    }

    @Test
    void aMissingParentHasNoOrphans() {
        assertEquals(List.of(), PrivatePostgresCluster.reapOrphans(tmp.resolve("never-made")));
    }

    private static void assertEmpty(Path dir) throws IOException {
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
