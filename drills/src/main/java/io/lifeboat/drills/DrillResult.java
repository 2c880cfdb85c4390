package io.lifeboat.drills;

import io.lifeboat.drills.check.CheckResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of one drill run: the outcome, one reason a person can act on, and the evidence
 * (steps with timings, each check, warnings).
 *
 * @param drill           the drill's name
 * @param runId           unique id of this run
 * @param backupId        the backup restored, if one was chosen
 * @param outcome         PASSED, FAILED or ERRORED
 * @param reason          one line: why it failed or errored, or a summary when it passed
 * @param startedAt       start of the run
 * @param finishedAt      end of the run, after teardown
 * @param backupAge       age of the backup's data at drill start (RPO)
 * @param restoreDuration how long the restore took (RTO)
 * @param sandbox         what the sandbox was ({@link io.lifeboat.drills.sandbox.Sandbox#describe()})
 * @param steps           each step, in order
 * @param checks          each check, in order
 * @param warnings        things to know that did not fail the drill
 */
public record DrillResult(String drill, String runId, Optional<String> backupId, Outcome outcome, String reason,
                          Instant startedAt, Instant finishedAt, Optional<Duration> backupAge,
                          Optional<Duration> restoreDuration, String sandbox, List<StepResult> steps,
                          List<CheckResult> checks, List<String> warnings) {
    public DrillResult {
        steps = List.copyOf(steps);
        checks = List.copyOf(checks);
        warnings = List.copyOf(warnings);
    }
}
