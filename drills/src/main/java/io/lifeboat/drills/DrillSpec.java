package io.lifeboat.drills;

import io.lifeboat.drills.check.Check;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a drill is, independent of where its backup comes from.
 *
 * @param name           the drill's name
 * @param checks         verification queries from the configuration (built-in checks are added by the runner)
 * @param maxBackupAge   RPO: the restored backup may be at most this old at drill time
 * @param maxRestoreTime RTO: the restore may take at most this long
 * @param rowCountTolerance allowed relative difference between restored and manifest row counts (0 = exact)
 */
public record DrillSpec(String name, List<Check> checks, Optional<Duration> maxBackupAge, Optional<Duration> maxRestoreTime,
                        double rowCountTolerance) {
    public DrillSpec {
        checks = List.copyOf(checks);
    }
}
