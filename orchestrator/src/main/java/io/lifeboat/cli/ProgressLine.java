package io.lifeboat.cli;

import io.lifeboat.backup.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A single updating line on a terminal: bytes read from the dump, bytes stored, and the rate.
 * Drawn only when attached to a terminal; logs and cron mails get the final summary only.
 */
final class ProgressLine implements Progress {
    private final PrintWriter err;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ProgressLine(PrintWriter err) {
        this.err = err;
    }

    static Progress forTerminal(PrintWriter err) {
        return System.console() != null ? new ProgressLine(err) : Progress.NONE;
    }

    @Override
    public void update(long rawBytes, long storedBytes) {
        long now = System.nanoTime();
        if (now - lastDraw < 250_000_000L) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(0.001, (now - startNanos) / 1e9);
        err.printf(Locale.ROOT, "\r  dumped %s, stored %s, %s/s   ", bytes(rawBytes), bytes(storedBytes), bytes((long) (rawBytes / seconds)));
        err.flush();
        drawn = true;
    }

    void finish() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    static String bytes(long n) {
        return io.lifeboat.drills.Sizes.describe(n);
    }
}
