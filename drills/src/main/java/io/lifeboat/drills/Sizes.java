package io.lifeboat.drills;

import java.util.Locale;

/** Byte counts for people, like {@link Durations} for times: 1,000 B, 12.3 MiB. */
public final class Sizes {
    private Sizes() {
    }

    public static String describe(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
