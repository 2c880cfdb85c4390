package io.lifeboat.cli;

import io.lifeboat.drills.DrillProgress;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One updating line on a terminal while a drill runs: the step, the bytes restored with the
 * share of the dump and the rate, the check being run. Drawn only on a terminal; cron mails and
 * logs get the summary block only. Redrawn at most four times a second.
 */
final class DrillProgressLine implements DrillProgress {
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final String drill;
    private long restoreStart;
    private long lastDraw;
    private boolean drawn;

    private DrillProgressLine(PrintWriter err, String drill) {
        this.err = err;
        this.drill = drill;
    }

    static DrillProgress forTerminal(PrintWriter err, String drill) {
        return System.console() != null ? new DrillProgressLine(err, drill) : DrillProgress.NONE;
    }

    @Override
    public void step(String name) {
        if (name.equals("restore")) {
            restoreStart = System.nanoTime();
        }
        draw(switch (name) {
            case "sandbox" -> "creating the sandbox";
            case "restore" -> "restoring";
            case "checks" -> "checking";
            case "teardown" -> "tearing the sandbox down";
            default -> name;
        }, true);
    }

    @Override
    public void restored(long bytes, long total) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        double seconds = Math.max(0.001, (now - restoreStart) / 1e9);
        String share = total > 0 ? String.format(Locale.ROOT, " of %s (%d%%)", ProgressLine.bytes(total),
                Math.min(100, bytes * 100 / total)) : "";
        draw("restored " + ProgressLine.bytes(bytes) + share + ", " + ProgressLine.bytes((long) (bytes / seconds)) + "/s", false);
    }

    @Override
    public void check(int index, int total, String name) {
        draw("check " + index + " of " + total + ": " + name, true);
    }

    private void draw(String what, boolean always) {
        long now = System.nanoTime();
        if (!always && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        err.print("\r\033[K  drill " + drill + ": " + what);
        err.flush();
        drawn = true;
    }

    /** Clears the line before the summary is printed. */
    void finish() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
