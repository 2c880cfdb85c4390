package io.lifeboat.drills.check;

import io.lifeboat.drills.Outcome;
import java.time.Duration;
import java.util.Optional;

/**
 * How one check went.
 *
 * @param name     the check's name
 * @param status   PASSED, FAILED (the data is wrong) or ERRORED (the check could not run, e.g. a timeout)
 * @param reason   for a person: what was expected and what was seen
 * @param observed the value seen, if any
 * @param duration how long it took
 */
public record CheckResult(String name, Outcome status, String reason, Optional<String> observed, Duration duration) {
}
