package io.lifeboat.schedule;

import io.lifeboat.catalog.JobKind;
import java.util.Optional;

/**
 * A job the configuration asks for: every source (backup) and every drill is one, whether or not
 * it has a schedule, so that {@code lifeboat trigger} can run any of them.
 *
 * @param kind backup or drill
 * @param name the source's or drill's name
 * @param cron when it runs on its own; empty: only when triggered
 */
public record ScheduledJob(JobKind kind, String name, Optional<String> cron) {
    public String jobName() {
        return kind.jobName(name);
    }
}
