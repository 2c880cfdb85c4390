package io.lifeboat.drills.check;

import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.sandbox.Sandbox;
import java.time.Duration;
import java.time.Instant;

/**
 * What a check may look at.
 *
 * @param sandbox         the restored database
 * @param backup          the backup's manifest facts (row counts, canary, time)
 * @param drillStartedAt  when the drill started (RPO is measured to here)
 * @param restoreDuration how long the restore took (RTO)
 */
public record CheckContext(Sandbox sandbox, DrillBackup backup, Instant drillStartedAt, Duration restoreDuration) {
}
