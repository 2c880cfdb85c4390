package io.lifeboat.drills.privateserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A private server's processes, found by what they are rather than by a pid file that may be
 * stale: PostgreSQL's postmaster and backends and {@code mariadbd} all keep their data directory
 * as their working directory, and a directory with a random name that lifeboat created has no
 * other server. Linux-only ({@code /proc}).
 */
public final class DirectoryProcesses {

    private DirectoryProcesses() {
    }

    /**
     * The running processes whose working directory is {@code dataDir} and whose executable's
     * file name starts with {@code executablePrefix} ({@code postgres}, {@code mariadbd}).
     */
    public static List<ProcessHandle> find(Path dataDir, String executablePrefix) {
        String wanted = dataDir.toAbsolutePath().normalize().toString();
        String real = realPath(dataDir).orElse(wanted);
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    Optional<String> cwd = link(p.pid(), "cwd");
                    if (cwd.isEmpty() || !(cwd.get().equals(wanted) || cwd.get().equals(real))) {
                        return false;
                    }
                    Optional<String> exe = link(p.pid(), "exe");
                    return exe.isPresent() && Path.of(exe.get()).getFileName().toString().startsWith(executablePrefix);
                })
                .collect(Collectors.toList());
    }

    /**
     * SIGKILLs the processes of {@code dataDir}, parents first (killing a PostgreSQL backend first
     * would make a live postmaster start crash recovery and fork new ones), and waits up to
     * {@code waitMillis} for them to be gone.
     *
     * @return whether none is left
     */
    public static boolean killAll(Path dataDir, String executablePrefix, long waitMillis) {
        for (int round = 0; round < 5; round++) {
            List<ProcessHandle> procs = find(dataDir, executablePrefix);
            if (procs.isEmpty()) {
                break;
            }
            Set<Long> pids = procs.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
            List<ProcessHandle> ordered = new ArrayList<>();
            procs.stream().filter(p -> p.parent().map(pp -> !pids.contains(pp.pid())).orElse(true)).forEach(ordered::add);
            procs.stream().filter(p -> !ordered.contains(p)).forEach(ordered::add);
            ordered.forEach(ProcessHandle::destroyForcibly);
            awaitGone(dataDir, executablePrefix, 1_000);
        }
        return awaitGone(dataDir, executablePrefix, waitMillis);
    }

    /** Waits up to {@code millis} for the processes of {@code dataDir} to be gone; whether they are. */
    public static boolean awaitGone(Path dataDir, String executablePrefix, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            if (find(dataDir, executablePrefix).isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return find(dataDir, executablePrefix).isEmpty();
            }
        }
    }

    /** A /proc/&lt;pid&gt;/ link's target; empty for zombies, vanished processes and ones we may not inspect. */
    private static Optional<String> link(long pid, String name) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), name)).toString();
            return Optional.of(target.endsWith(" (deleted)") ? target.substring(0, target.length() - 10) : target);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> realPath(Path p) {
        try {
            return Optional.of(p.toRealPath().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
