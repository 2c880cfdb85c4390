package io.lifeboat.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the scheduler ({@code lifeboat serve}) and the status report judge time.
 *
 * @param grace           how late a scheduled drill or backup may be before the report calls it
 *                        OVERDUE (a job takes time, a node restarts)
 * @param shutdownTimeout how long SIGTERM waits for running jobs before the process exits anyway
 * @param triggerPoll     how often the scheduler looks for {@code lifeboat trigger} requests
 * @param metricsFile     a node-exporter textfile the scheduler keeps up to date, if set
 */
public record ScheduleConfig(Duration grace, Duration shutdownTimeout, Duration triggerPoll, Optional<Path> metricsFile) {
    public static final Duration DEFAULT_GRACE = Duration.ofHours(6);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_TRIGGER_POLL = Duration.ofSeconds(5);

    public static ScheduleConfig defaults() {
        return new ScheduleConfig(DEFAULT_GRACE, DEFAULT_SHUTDOWN_TIMEOUT, DEFAULT_TRIGGER_POLL, Optional.empty());
    }
}
