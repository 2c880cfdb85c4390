package io.lifeboat.drills.check;

import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A verification query from the configuration: the first column of the first row must meet the
 * expectation.
 * <ul>
 *   <li>PASSED when it does;</li>
 *   <li>FAILED when it does not ({@code expected >= 1000, got 998}), when the query returns no
 *       row or NULL, and when the database rejects the query (a table missing after a broken
 *       restore is exactly what a drill is for): the reason is the database's message;</li>
 *   <li>ERRORED when the database does not answer within {@code timeout}, or cannot be asked:
 *       that says nothing about the data.</li>
 * </ul>
 *
 * @param name        the check's name from the configuration
 * @param sql         the query; only its first column of its first row is judged
 * @param expectation what that value must be
 * @param timeout     how long the query may take
 */
public record SqlCheck(String name, String sql, Expectation expectation, Duration timeout) implements Check {

    /** A timeout for checks whose configuration names none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Observed values longer than this are cut in reasons: one line a person reads. */
    private static final int MAX_SHOWN = 200;

    public SqlCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(expectation, "expectation");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout of check \"" + name + "\" must be positive");
        }
    }

    @Override
    public CheckResult run(CheckContext context) {
        long t0 = System.nanoTime();
        QueryResult result;
        try {
            result = context.sandbox().query(sql, timeout);
        } catch (QueryFailedException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            return switch (e.reason()) {
                case TIMED_OUT -> new CheckResult(name, Outcome.ERRORED, "did not answer within "
                        + Durations.describe(timeout), Optional.empty(), took);
                case UNAVAILABLE -> new CheckResult(name, Outcome.ERRORED, "could not run the query: " + e.getMessage(),
                        Optional.empty(), took);
                case REJECTED -> new CheckResult(name, Outcome.FAILED, "query failed: " + e.getMessage(),
                        Optional.empty(), took);
            };
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String expected = "expected " + expectation.describe();
        if (result.rows() == 0) {
            return new CheckResult(name, Outcome.FAILED, expected + ", got no rows", Optional.empty(), took);
        }
        Optional<String> value = result.value();
        if (value.isEmpty()) {
            return new CheckResult(name, Outcome.FAILED, expected + ", got NULL", Optional.empty(), took);
        }
        String shown = shorten(value.get());
        if (expectation.isMetBy(value.get())) {
            return new CheckResult(name, Outcome.PASSED, "got " + shown + " (" + expected + ")", value, took);
        }
        return new CheckResult(name, Outcome.FAILED, expected + ", got " + shown, value, took);
    }

    private static String shorten(String value) {
        String oneLine = value.replace("\n", "\\n").replace("\r", "\\r");
        return oneLine.length() <= MAX_SHOWN ? oneLine : oneLine.substring(0, MAX_SHOWN) + "…";
    }
}
