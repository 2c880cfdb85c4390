package io.lifeboat.catalog;

import java.util.Locale;

/** The kinds of job lifeboat runs, on a schedule, from cron, or on request (audits: on a schedule or by hand). */
public enum JobKind {
    BACKUP, DRILL, AUDIT;

    /** The job's name as locks, logs and the scheduler's job keys spell it: {@code backup.shop}. */
    public String jobName(String name) {
        return label() + "." + name;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
