package io.lifeboat.drills.postgres;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ChildProcessException;
import io.lifeboat.drills.process.ProcessOutcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stopping the server of one data directory, whatever state it is in.
 *
 * <p>The polite way first ({@code pg_ctl stop -m fast}, which also disconnects clients), then
 * {@code -m immediate}, then SIGKILL. For the last step the processes are found by what they
 * are, not by a pid file that may be stale: every PostgreSQL process (postmaster and backends)
 * keeps the data directory as its working directory, and a directory with a random name that
 * lifeboat created has no other server. Linux-only, like the rest of this package.
 */
final class ServerProcesses {

    /** How a stop ended. */
    enum Stop {
        /** No server process was running. */
        NOT_RUNNING,
        /** {@code pg_ctl stop} shut it down. */
        STOPPED,
        /** It had to be killed. */
        KILLED,
        /** Processes are still there after SIGKILL (e.g. stuck in uninterruptible I/O). */
        STILL_RUNNING
    }

    private static final long FAST_STOP_SECONDS = 30;
    private static final long IMMEDIATE_STOP_SECONDS = 15;
    private static final long KILL_WAIT_MILLIS = 10_000;

    private ServerProcesses() {
    }

    /**
     * Stops the server of {@code dataDir}.
     *
     * @param pgCtl   the {@code pg_ctl} to ask first; skipped when it does not exist (a reaped
     *                cluster's binaries may have been removed since)
     * @param fast    try {@code -m fast} before {@code -m immediate}; an orphan's sessions are not
     *                worth waiting for, a live cluster's checkpoint is cheap
     * @param workDir a directory {@code account} may enter, to run {@code pg_ctl} in
     * @param notes   what went wrong on the way, for the caller's message
     */
    static Stop stop(ServerAccount account, Path pgCtl, Path dataDir, Path workDir, boolean fast, List<String> notes) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Optional<SharedMemory> shm = SharedMemory.fromPidFile(pidFile);
        List<ProcessHandle> running = find(dataDir);
        if (running.isEmpty()) {
            // A postmaster that was SIGKILLed leaves a stale pid file and its SysV segment behind.
            shm.ifPresent(s -> s.removeIfUnused(account, notes));
            return Stop.NOT_RUNNING;
        }
        // pg_ctl only helps while the postmaster lives (and it signals whatever pid the file names,
        // so check that this is our postmaster); orphaned backends of a killed one get SIGKILL below
        OptionalLong recorded = postmasterPid(dataDir);
        boolean postmasterAlive = recorded.isPresent()
                && running.stream().anyMatch(p -> p.pid() == recorded.getAsLong());
        if (postmasterAlive && Files.isExecutable(pgCtl)) {
            List<String> modes = fast ? List.of("fast", "immediate") : List.of("immediate");
            for (String mode : modes) {
                long timeout = mode.equals("fast") ? FAST_STOP_SECONDS : IMMEDIATE_STOP_SECONDS;
                ProcessOutcome outcome = account.run(List.of(pgCtl.toString(), "stop", "-D", dataDir.toString(),
                        "-m", mode, "-w", "-t", Long.toString(timeout)), workDir, timeout + 15);
                if (outcome.succeeded() && awaitGone(dataDir, 2_000)) {
                    return Stop.STOPPED;
                }
                notes.add("pg_ctl stop -m " + mode + ": " + outcome.describe());
            }
        }
        killAll(dataDir);
        if (!awaitGone(dataDir, KILL_WAIT_MILLIS)) {
            notes.add("server processes still running after SIGKILL: " + find(dataDir).stream()
                    .map(p -> Long.toString(p.pid())).collect(Collectors.joining(", ")));
            return Stop.STILL_RUNNING;
        }
        shm.ifPresent(s -> s.removeIfUnused(account, notes));
        return Stop.KILLED;
    }

    /** The running PostgreSQL processes whose working directory is {@code dataDir}. */
    static List<ProcessHandle> find(Path dataDir) {
        String wanted = dataDir.toAbsolutePath().normalize().toString();
        String real = realPath(dataDir).orElse(wanted);
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    Optional<String> cwd = link(p.pid(), "cwd");
                    if (cwd.isEmpty() || !(cwd.get().equals(wanted) || cwd.get().equals(real))) {
                        return false;
                    }
                    Optional<String> exe = link(p.pid(), "exe");
                    return exe.isPresent() && Path.of(exe.get()).getFileName().toString().startsWith("postgres");
                })
                .collect(Collectors.toList());
    }

    /** The postmaster's pid as its pid file records it. */
    static OptionalLong postmasterPid(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * SIGKILLs the postmaster first, then everything else: killing a backend first would make a
     * live postmaster start crash recovery and fork new ones.
     */
    private static void killAll(Path dataDir) {
        for (int round = 0; round < 5; round++) {
            List<ProcessHandle> procs = find(dataDir);
            if (procs.isEmpty()) {
                return;
            }
            Set<Long> pids = procs.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
            List<ProcessHandle> ordered = new ArrayList<>();
            procs.stream().filter(p -> p.parent().map(pp -> !pids.contains(pp.pid())).orElse(true)).forEach(ordered::add);
            procs.stream().filter(p -> !ordered.contains(p)).forEach(ordered::add);
            ordered.forEach(ProcessHandle::destroyForcibly);
            awaitGone(dataDir, 1_000);
        }
    }

    private static boolean awaitGone(Path dataDir, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            if (find(dataDir).isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return find(dataDir).isEmpty();
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

    /**
     * The System V segment a postmaster keeps (line 7 of its pid file: key and id). The
     * postmaster removes it when it exits, except when it is SIGKILLed; then it would stay
     * until reboot, one more after every such kill.
     */
    private record SharedMemory(long key, long id) {

        static Optional<SharedMemory> fromPidFile(Path pidFile) {
            try {
                List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                if (lines.size() < 7) {
                    return Optional.empty();
                }
                String[] f = lines.get(6).trim().split("\\s+");
                return f.length == 2 ? Optional.of(new SharedMemory(Long.parseLong(f[0]), Long.parseLong(f[1])))
                        : Optional.empty();
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** Removes the segment if it is still the one recorded (same key, id and owner) and nothing has it attached. */
        void removeIfUnused(ServerAccount account, List<String> notes) {
            boolean unused;
            try {
                // columns: key shmid perms size cpid lpid nattch uid gid ...
                unused = Files.readAllLines(Path.of("/proc/sysvipc/shm"), StandardCharsets.UTF_8).stream()
                        .skip(1)
                        .map(l -> l.trim().split("\\s+"))
                        .anyMatch(f -> f.length > 7 && f[0].equals(Long.toString(key)) && f[1].equals(Long.toString(id))
                                && f[6].equals("0") && f[7].equals(Integer.toString(account.uid())));
            } catch (IOException e) {
                return;
            }
            if (!unused) {
                return;
            }
            try {
                ChildProcess.run(List.of(ServerAccount.systemProgram("ipcrm").orElse("ipcrm"), "-m", Long.toString(id)),
                        Map.of(), 20);
            } catch (ChildProcessException | UncheckedIOException e) {
                notes.add("could not remove the server's shared memory segment " + id + ": " + e.getMessage());
            }
        }
    }
}
