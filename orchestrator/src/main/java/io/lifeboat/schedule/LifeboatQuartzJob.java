package io.lifeboat.schedule;

import io.lifeboat.catalog.JobKind;
import io.lifeboat.catalog.RunOrigin;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * The one Quartz job class: reads which lifeboat job it is from its data map and hands it to the
 * {@link JobRunner} (wrapped for logging) in the scheduler's context. Quartz never runs two of one job key at once, on
 * any node of a cluster ({@link DisallowConcurrentExecution}); the job lock in the catalog also
 * keeps one-shot runs from cron out of its way.
 */
@DisallowConcurrentExecution
public final class LifeboatQuartzJob implements Job {
    static final String KIND = "kind";
    static final String NAME = "name";
    static final String ORIGIN = "origin";
    static final String RUNNER = "lifeboat.runner";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        JobKind kind = JobKind.valueOf(data.getString(KIND));
        String name = data.getString(NAME);
        RunOrigin origin = data.containsKey(ORIGIN) ? RunOrigin.valueOf(data.getString(ORIGIN)) : RunOrigin.SCHEDULE;
        LifeboatScheduler.Execution execution;
        try {
            execution = (LifeboatScheduler.Execution) context.getScheduler().getContext().get(RUNNER);
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
        java.util.Date fireTime = context.getScheduledFireTime() != null ? context.getScheduledFireTime() : context.getFireTime();
        execution.execute(kind, name, origin, fireTime.toInstant());
    }
}
