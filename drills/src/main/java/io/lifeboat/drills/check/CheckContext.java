package io.lifeboat.drills.check;

import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.sandbox.Sandbox;
import java.time.Duration;
import java.time.Instant;

/**
 * What a check may look at.
 *
 * <p>When nothing could be restored, the {@link io.lifeboat.drills.DrillRunner} still runs the
 * checks that need no database (RPO); {@code sandbox} and {@code restoreDuration} are then null.
 *
 * @param sandbox         the restored database; null when nothing was restored
 * @param backup          the backup's manifest facts (row counts, canary, time)
 * @param drillStartedAt  when the drill started (RPO is measured to here)
 * @param restoreDuration how long the restore took (RTO); null when nothing was restored
 */
public record CheckContext(Sandbox sandbox, DrillBackup backup, Instant drillStartedAt, Duration restoreDuration) {
}
