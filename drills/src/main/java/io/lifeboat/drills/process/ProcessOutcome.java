package io.lifeboat.drills.process;

/**
 * How a child process ended.
 *
 * @param name       the tool's name
 * @param exitCode   exit status; 128+N when killed by signal N (as shells report it)
 * @param timedOut   lifeboat killed it because it ran past its time limit
 * @param stderrTail the last 16 KiB of its stderr
 */
public record ProcessOutcome(String name, int exitCode, boolean timedOut, String stderrTail) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** One message a person can act on: which tool, how it ended, what it said last. */
    public String describe() {
        String how;
        if (timedOut) {
            how = "was stopped after its time limit";
        } else if (exitCode > 128) {
            how = "was killed by signal " + (exitCode - 128);
        } else {
            how = "exited with status " + exitCode;
        }
        String said = stderrTail.isBlank() ? "" : ": " + lastLines(stderrTail, 6);
        return name + " " + how + said;
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - n);
        return String.join(" | ", java.util.Arrays.copyOfRange(lines, from, lines.length)).strip();
    }
}
