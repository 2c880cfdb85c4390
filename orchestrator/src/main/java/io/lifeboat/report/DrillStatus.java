package io.lifeboat.report;

import io.lifeboat.catalog.DrillRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One drill in the report.
 *
 * @param drill       the drill's name
 * @param source      the source it restores
 * @param health      what the report says of it
 * @param reason      why, in one line (the last run's reason when it failed)
 * @param schedule    its cron expression
 * @param last        the newest run, if any
 * @param lastPassAt  when the newest PASSED run started
 * @param backupAge   RPO: age of the backup the newest run restored
 * @param restoreTime RTO: how long the newest run's restore took
 * @param nextRun     the schedule's next fire time
 * @param dueBy       when it turns OVERDUE unless a run passes before
 * @param history     recent runs, newest first (the timeline)
 */
public record DrillStatus(String drill, String source, Health health, String reason, String schedule,
                          Optional<DrillRecord> last, Optional<Instant> lastPassAt, Optional<Duration> backupAge,
                          Optional<Duration> restoreTime, Optional<Instant> nextRun, Optional<Instant> dueBy,
                          List<DrillRecord> history) {
    public DrillStatus {
        history = List.copyOf(history);
    }
}
