package io.lifeboat.drills.check;

import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The canary: lifeboat wrote a row with a random token into {@code lifeboat_canary} just before
 * the dump, and the restored database must hold exactly that row. It is end-to-end proof that
 * this backup holds that moment's data (not an older dump under a new name, not a dump of
 * another database). PASSED when the backup has no canary.
 *
 * <p>A missing row or a missing table is FAILED; a query that times out is ERRORED.
 *
 * @param timeout how long the lookup may take
 */
public record CanaryCheck(Duration timeout) implements Check {

    /** The table lifeboat writes its canary rows into. */
    public static final String TABLE = "lifeboat_canary";

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /**
     * What lifeboat's own tokens are made of. Anything else in a manifest's token is not ours,
     * and keeping to it lets the lookup be a plain SQL literal that every engine reads alike
     * (MySQL treats backslashes in literals differently from PostgreSQL).
     */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    public CanaryCheck {
        Objects.requireNonNull(timeout, "timeout");
    }

    public CanaryCheck() {
        this(DEFAULT_TIMEOUT);
    }

    @Override
    public String name() {
        return "canary";
    }

    @Override
    public CheckResult run(CheckContext context) {
        long t0 = System.nanoTime();
        Optional<CanaryRow> canary = context.backup().canary();
        if (canary.isEmpty()) {
            return new CheckResult(name(), Outcome.PASSED, "this backup has no canary row", Optional.empty(), Duration.ZERO);
        }
        CanaryRow row = canary.get();
        if (!TOKEN.matcher(row.token()).matches()) {
            return new CheckResult(name(), Outcome.FAILED, "the manifest's canary token is not one lifeboat writes"
                    + " (letters, digits and . _ : - only): the manifest was altered or damaged", Optional.empty(),
                    Duration.ZERO);
        }
        String missing = "canary row " + row.token() + " written at " + row.writtenAt()
                + " is missing: this backup does not hold that moment's data";
        QueryResult result;
        try {
            result = context.sandbox().query(lookup(row.token()), timeout);
        } catch (QueryFailedException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            return switch (e.reason()) {
                case REJECTED -> new CheckResult(name(), Outcome.FAILED, missing + " (" + e.getMessage() + ")",
                        Optional.empty(), took);
                case TIMED_OUT -> new CheckResult(name(), Outcome.ERRORED, "looking up canary row " + row.token()
                        + " did not answer within " + Durations.describe(timeout), Optional.empty(), took);
                case UNAVAILABLE -> new CheckResult(name(), Outcome.ERRORED, "could not look up canary row "
                        + row.token() + ": " + e.getMessage(), Optional.empty(), took);
            };
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (result.rows() > 0 && result.value().filter(row.token()::equals).isPresent()) {
            return new CheckResult(name(), Outcome.PASSED, "canary row " + row.token() + " written at "
                    + row.writtenAt() + " is there", result.value(), took);
        }
        return new CheckResult(name(), Outcome.FAILED, missing, Optional.empty(), took);
    }

    /** The lookup; {@code token} matches {@link #TOKEN}, so quoting it cannot go wrong. */
    static String lookup(String token) {
        return "SELECT token FROM " + TABLE + " WHERE token = '" + token + "'";
    }
}
