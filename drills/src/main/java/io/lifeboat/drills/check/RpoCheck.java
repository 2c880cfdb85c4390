package io.lifeboat.drills.check;

import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * RPO: the restored backup's data may be at most {@code maxAge} old when the drill starts
 * ({@code max_backup_age}). A stale backup is a FAILED drill even if it restores perfectly:
 * restoring it would lose more than the agreed amount of data.
 *
 * <p>Looks only at the backup's manifest and the drill's start, never at the sandbox, so the
 * runner evaluates it even when the restore failed or no sandbox could be created
 * ({@link CheckContext#sandbox()} may then be null).
 *
 * @param maxAge the configured {@code max_backup_age}
 */
public record RpoCheck(Duration maxAge) implements Check {

    public RpoCheck {
        Objects.requireNonNull(maxAge, "maxAge");
    }

    @Override
    public String name() {
        return "backup age (RPO)";
    }

    @Override
    public CheckResult run(CheckContext context) {
        Duration age = Duration.between(context.backup().takenAt(), context.drillStartedAt());
        Optional<String> observed = Optional.of(age.toString());
        if (age.isNegative()) {
            // a clock ahead on the dumping host; the backup is as fresh as it gets
            return new CheckResult(name(), Outcome.PASSED, "backup is dated " + Durations.describe(age.negated())
                    + " in the future (clock skew between hosts?), max_backup_age is " + Durations.describe(maxAge),
                    observed, Duration.ZERO);
        }
        if (age.compareTo(maxAge) > 0) {
            return new CheckResult(name(), Outcome.FAILED, "backup is " + Durations.describe(age)
                    + " old, max_backup_age is " + Durations.describe(maxAge), observed, Duration.ZERO);
        }
        return new CheckResult(name(), Outcome.PASSED, "backup is " + Durations.describe(age)
                + " old (max_backup_age " + Durations.describe(maxAge) + ")", observed, Duration.ZERO);
    }
}
