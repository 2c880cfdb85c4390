package io.lifeboat.schedule;

import io.lifeboat.catalog.JobKind;
import io.lifeboat.catalog.RunOrigin;

/**
 * Runs one job for the scheduler; the application supplies it (it holds the configuration and the
 * credentials, which the scheduler knows nothing of).
 */
@FunctionalInterface
public interface JobRunner {
    /**
     * Runs the job to its end and says how it went, in one line for the log.
     * Must not throw for a job that ran and failed: that is an outcome, recorded in the catalog.
     */
    String run(JobKind kind, String name, RunOrigin origin);
}
