package io.lifeboat.drills;

import java.time.Duration;

/**
 * Durations the way drill results show them to people: the configuration's own notation for
 * long spans ({@code 26h}, {@code 30h12m}, {@code 30m}, {@code 4m5s}) and seconds with one
 * decimal or milliseconds for short ones ({@code 3.2 s}, {@code 30 s}, {@code 12 ms}).
 * Precision drops with size (seconds under an hour, minutes above) because a backup that is
 * "30h12m" old is exactly as stale as one that is "30h12m7s" old.
 */
public final class Durations {

    private Durations() {
    }

    /** {@code d} for a person, truncated (never rounded up, so a limit is never shown as exceeded when it is not). */
    public static String describe(Duration d) {
        if (d.isNegative()) {
            return "-" + describe(d.negated());
        }
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms == 0 && !d.isZero() ? "<1 ms" : ms + " ms";
        }
        if (ms < 60_000) {
            long tenths = ms / 100;
            return tenths % 10 == 0 ? tenths / 10 + " s" : tenths / 10 + "." + tenths % 10 + " s";
        }
        long s = d.getSeconds();
        if (s < 3_600) {
            long sec = s % 60;
            return s / 60 + "m" + (sec == 0 ? "" : sec + "s");
        }
        long min = (s % 3_600) / 60;
        return s / 3_600 + "h" + (min == 0 ? "" : min + "m");
    }
}
