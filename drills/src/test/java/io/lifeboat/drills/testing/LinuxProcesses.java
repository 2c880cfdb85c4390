package io.lifeboat.drills.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * What tests need to know about a process, read from /proc/&lt;pid&gt;/status.
 *
 * <p>"Running" excludes zombies: on machines whose init does not reap orphans (this CI's does
 * not), a stopped postmaster stays as a zombie entry, which is not a running server.
 */
public final class LinuxProcesses {

    private LinuxProcesses() {
    }

    /** Whether the process exists and is not a zombie. */
    public static boolean isRunning(long pid) {
        return field(pid, "State:").map(s -> !(s.startsWith("Z") || s.startsWith("X"))).orElse(false);
    }

    /** The process's effective uid, if it is running. */
    public static OptionalInt effectiveUid(long pid) {
        return field(pid, "Uid:").map(s -> OptionalInt.of(Integer.parseInt(s.split("\\s+")[1])))
                .orElse(OptionalInt.empty());
    }

    /** Waits until the process is no longer running; false if it still is after {@code timeout}. */
    public static boolean awaitExit(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static java.util.Optional<String> field(long pid, String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8);
            return lines.stream().filter(l -> l.startsWith(name)).map(l -> l.substring(name.length()).trim()).findFirst();
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
