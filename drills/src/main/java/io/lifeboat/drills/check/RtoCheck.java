package io.lifeboat.drills.check;

import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * RTO: the restore may take at most {@code maxRestoreTime} ({@code max_restore_time}). A restore
 * over budget is a FAILED drill: in a real incident it would keep the service down longer than
 * promised. Looks only at {@link CheckContext#restoreDuration()}, which the runner measures
 * around the restore alone (not fetching, not sandbox start-up).
 *
 * @param maxRestoreTime the configured {@code max_restore_time}
 */
public record RtoCheck(Duration maxRestoreTime) implements Check {

    public RtoCheck {
        Objects.requireNonNull(maxRestoreTime, "maxRestoreTime");
    }

    @Override
    public String name() {
        return "restore time (RTO)";
    }

    @Override
    public CheckResult run(CheckContext context) {
        Duration took = context.restoreDuration();
        if (took == null) {
            return new CheckResult(name(), Outcome.ERRORED, "no restore was timed", Optional.empty(), Duration.ZERO);
        }
        Optional<String> observed = Optional.of(took.toString());
        if (took.compareTo(maxRestoreTime) > 0) {
            return new CheckResult(name(), Outcome.FAILED, "restore took " + Durations.describe(took)
                    + ", max_restore_time is " + Durations.describe(maxRestoreTime), observed, Duration.ZERO);
        }
        return new CheckResult(name(), Outcome.PASSED, "restore took " + Durations.describe(took)
                + " (max_restore_time " + Durations.describe(maxRestoreTime) + ")", observed, Duration.ZERO);
    }
}
