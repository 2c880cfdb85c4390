package io.lifeboat.catalog;

import io.lifeboat.drills.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One drill run in the catalog.
 *
 * @param drill           the drill's name
 * @param source          the source whose backup it restored
 * @param runId           the run's id (as in the drill result JSON)
 * @param backupId        the backup restored, if one was chosen
 * @param outcome         PASSED, FAILED or ERRORED
 * @param reason          why, in one line
 * @param startedAt       start of the run
 * @param finishedAt      end of the run, after teardown
 * @param backupAge       age of the restored backup at drill start (RPO)
 * @param restoreDuration how long the restore took (RTO)
 * @param origin          what started it
 * @param node            host and process that recorded it
 */
public record DrillRecord(String drill, String source, String runId, Optional<String> backupId, Outcome outcome,
                          String reason, Instant startedAt, Instant finishedAt, Optional<Duration> backupAge,
                          Optional<Duration> restoreDuration, RunOrigin origin, String node) {
}
