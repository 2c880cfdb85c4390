package io.lifeboat.report;

import io.lifeboat.catalog.BackupRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One source in the report.
 *
 * @param source      the source's name
 * @param health      what the report says of it
 * @param reason      why, in one line
 * @param schedule    its cron expression, if it has one
 * @param last        the newest backup run, if any
 * @param lastSuccess the newest successful backup
 * @param backupAge   age of that backup now (how much data a restore would lose)
 * @param maxAge      how old it may be: {@code max_backup_age}, else empty (the schedule decides)
 * @param nextRun     the schedule's next fire time
 * @param dueBy       when it turns OVERDUE unless a backup succeeds before
 * @param history     recent runs, newest first
 */
public record SourceStatus(String source, Health health, String reason, Optional<String> schedule,
                           Optional<BackupRecord> last, Optional<BackupRecord> lastSuccess, Optional<Duration> backupAge,
                           Optional<Duration> maxAge, Optional<Instant> nextRun, Optional<Instant> dueBy,
                           List<BackupRecord> history) {
    public SourceStatus {
        history = List.copyOf(history);
    }
}
