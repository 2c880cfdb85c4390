package io.lifeboat.restore;

import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.StepResult;
import io.lifeboat.drills.check.CheckResult;
import java.util.List;
import java.util.Optional;

/**
 * How an executed restore ended.
 *
 * @param outcome   PASSED (restored, checked, kept or swapped in), FAILED (the backup or its
 *                  data is bad; nothing of the restore is left), ERRORED (could not complete)
 * @param reason    for a person: what happened, and what was left where
 * @param database  the database that now holds the restored data (PASSED only)
 * @param keptOldAs the name the replaced database keeps (PASSED with --replace only)
 * @param steps     verify, create, restore, checks, swap: status and timing
 * @param checks    each check's result
 * @param warnings  things a person must act on (a new database that could not be dropped)
 */
public record RestoreResult(Outcome outcome, String reason, Optional<String> database, Optional<String> keptOldAs,
                            List<StepResult> steps, List<CheckResult> checks, List<String> warnings) {
    public RestoreResult {
        steps = List.copyOf(steps);
        checks = List.copyOf(checks);
        warnings = List.copyOf(warnings);
    }
}
