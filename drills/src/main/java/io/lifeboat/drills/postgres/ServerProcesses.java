package io.lifeboat.drills.postgres;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ChildProcessException;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.privateserver.DirectoryProcesses;
import io.lifeboat.drills.privateserver.Orphans.Stop;
import io.lifeboat.drills.privateserver.ServerAccount;

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
 * {@code -m immediate}, then SIGKILL of the processes {@link DirectoryProcesses} finds by their
 * working directory. Linux-only, like the rest of this package.
 */
final class ServerProcesses {

    private static final long FAST_STOP_SECONDS = 30;
    private static final long IMMEDIATE_STOP_SECONDS = 15;
    private static final long KILL_WAIT_MILLIS = 10_000;
    private static final String EXECUTABLE = "postgres";

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
        if (!DirectoryProcesses.killAll(dataDir, EXECUTABLE, KILL_WAIT_MILLIS)) {
            notes.add("server processes still running after SIGKILL: " + find(dataDir).stream()
                    .map(p -> Long.toString(p.pid())).collect(Collectors.joining(", ")));
            return Stop.STILL_RUNNING;
        }
        shm.ifPresent(s -> s.removeIfUnused(account, notes));
        return Stop.KILLED;
    }

    /** The running PostgreSQL processes (postmaster and backends) of {@code dataDir}. */
    static List<ProcessHandle> find(Path dataDir) {
        return DirectoryProcesses.find(dataDir, EXECUTABLE);
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

    private static boolean awaitGone(Path dataDir, long millis) {
        return DirectoryProcesses.awaitGone(dataDir, EXECUTABLE, millis);
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
