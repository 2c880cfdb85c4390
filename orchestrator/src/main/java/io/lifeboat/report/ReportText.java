package io.lifeboat.report;

import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.drills.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** The words and numbers the human-readable formats share, so table, Markdown and HTML agree. */
final class ReportText {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private ReportText() {
    }

    static String when(Optional<Instant> t) {
        return t.map(WHEN::format).orElse("-");
    }

    static String when(Instant t) {
        return WHEN.format(t);
    }

    /** "2026-11-24 03:00Z (3h ago)" */
    static String whenAgo(Optional<Instant> t, Instant now) {
        return t.map(i -> WHEN.format(i) + " (" + Durations.describe(Duration.between(i, now).truncatedTo(ChronoUnit.SECONDS))
                + " ago)").orElse("never");
    }

    static String duration(Optional<Duration> d) {
        return d.map(Durations::describe).orElse("-");
    }

    static String lastOutcome(DrillStatus d) {
        return d.last().map(r -> r.outcome().name()).orElse("NEVER_RUN");
    }

    static String lastOutcome(SourceStatus s) {
        return s.last().map(r -> r.outcome().name()).orElse("NEVER_RUN");
    }

    static Optional<Instant> lastRunAt(DrillStatus d) {
        return d.last().map(DrillRecord::startedAt);
    }

    static Optional<Instant> lastRunAt(SourceStatus s) {
        return s.last().map(BackupRecord::startedAt);
    }

    static String bytes(long n) {
        if (n < 0) {
            return "-";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static long storedBytes(SourceStatus s) {
        return s.lastSuccess().map(BackupRecord::storedBytes).orElse(-1L);
    }
}
