package io.lifeboat.drills.check;

import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.sandbox.QueryFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Row counts of the restored database against those the manifest recorded at dump time (in the
 * dump's own snapshot, so for a good backup they agree exactly). Every table in the manifest
 * must exist in the sandbox with a count within {@code tolerance} (relative: 0.01 allows 1 %
 * either way; 0 demands equality). Tables the sandbox has beyond the manifest are ignored.
 *
 * <p>FAILED names the worst offenders first: missing tables, then the largest relative
 * differences. ERRORED when the counts could not be taken (timeout, connection).
 *
 * @param tolerance allowed relative difference, 0 or more
 * @param timeout   how long counting every table may take
 */
public record RowCountCheck(double tolerance, Duration timeout) implements Check {

    /** Counting every row of a large database takes a while: the default is generous. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private static final int NAMED_OFFENDERS = 3;

    public RowCountCheck {
        Objects.requireNonNull(timeout, "timeout");
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("row count tolerance must be a number of 0 or more, not " + tolerance);
        }
    }

    /** With {@link #DEFAULT_TIMEOUT}. */
    public RowCountCheck(double tolerance) {
        this(tolerance, DEFAULT_TIMEOUT);
    }

    @Override
    public String name() {
        return "row counts";
    }

    @Override
    public CheckResult run(CheckContext context) {
        long t0 = System.nanoTime();
        Map<String, Long> expected = new TreeMap<>(context.backup().rowCounts());
        Map<String, Long> actual;
        try {
            actual = context.sandbox().rowCounts(timeout);
        } catch (QueryFailedException e) {
            Outcome status = e.reason() == QueryFailedException.Reason.REJECTED ? Outcome.FAILED : Outcome.ERRORED;
            String why = e.reason() == QueryFailedException.Reason.TIMED_OUT
                    ? "counting rows did not finish within " + Durations.describe(timeout)
                    : "could not count rows: " + e.getMessage();
            return new CheckResult(name(), status, why, Optional.empty(), since(t0));
        }
        long restoredRows = actual.values().stream().mapToLong(Long::longValue).sum();
        Optional<String> observed = Optional.of(actual.size() + " tables, " + restoredRows + " rows");
        if (expected.isEmpty()) {
            return new CheckResult(name(), Outcome.PASSED, "the manifest records no row counts: nothing to compare ("
                    + observed.get() + " restored)", observed, since(t0));
        }
        List<Offender> offenders = new ArrayList<>();
        expected.forEach((table, want) -> {
            Long got = actual.get(table);
            if (got == null) {
                offenders.add(new Offender(table, want, -1));
            } else if (Math.abs(got - want) > tolerance * want) {
                offenders.add(new Offender(table, want, got));
            }
        });
        if (offenders.isEmpty()) {
            long manifestRows = expected.values().stream().mapToLong(Long::longValue).sum();
            String how = tolerance == 0 ? "match the manifest exactly" : "are within "
                    + String.format(Locale.ROOT, "%s%%", trim(tolerance * 100)) + " of the manifest";
            return new CheckResult(name(), Outcome.PASSED, String.format(Locale.ROOT, "%d tables, %,d rows: counts %s",
                    expected.size(), manifestRows, how), observed, since(t0));
        }
        offenders.sort(Comparator.comparing(Offender::missing).reversed()
                .thenComparing(Comparator.comparingDouble(Offender::relativeDifference).reversed())
                .thenComparing(Offender::table));
        List<String> named = offenders.stream().limit(NAMED_OFFENDERS).map(Offender::describe).toList();
        String more = offenders.size() > NAMED_OFFENDERS ? "; and " + (offenders.size() - NAMED_OFFENDERS) + " more" : "";
        String reason = "row counts differ from the manifest in " + offenders.size() + " of " + expected.size()
                + " tables: " + String.join("; ", named) + more;
        return new CheckResult(name(), Outcome.FAILED, reason, observed, since(t0));
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A table whose count is off; {@code actual} -1 when it is missing. */
    private record Offender(String table, long expected, long actual) {
        boolean missing() {
            return actual < 0;
        }

        double relativeDifference() {
            if (missing()) {
                return Double.POSITIVE_INFINITY;
            }
            return expected == 0 ? Double.MAX_VALUE : Math.abs(actual - expected) / (double) expected;
        }

        String describe() {
            if (missing()) {
                return String.format(Locale.ROOT, "%s is missing (manifest: %,d rows)", table, expected);
            }
            String pct = expected == 0 ? "" : String.format(Locale.ROOT, " (%+.1f%%)", 100.0 * (actual - expected) / expected);
            return String.format(Locale.ROOT, "%s has %,d rows, manifest %,d%s", table, actual, expected, pct);
        }
    }
}
