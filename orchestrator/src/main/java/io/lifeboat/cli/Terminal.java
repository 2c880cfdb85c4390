package io.lifeboat.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the process's standard output is a terminal, which Java 17 cannot say by itself. */
final class Terminal {
    private Terminal() {
    }

    /**
     * True when file descriptor 1 is a terminal device ({@code /dev/pts/N}, {@code /dev/ttyN}):
     * what Linux's {@code /proc/self/fd/1} points to. {@code System.console()} does not answer
     * this: it looks at both ends, and from JDK 22 on it is there even when output is redirected.
     * Anything unclear (another system, no /proc) is "not a terminal": output for programs.
     */
    static boolean stdoutIsOne() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
