package io.lifeboat.report;

import io.lifeboat.catalog.AuditOutcome;
import io.lifeboat.catalog.AuditRecord;
import io.lifeboat.catalog.BackupOutcome;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.config.DrillConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import io.lifeboat.schedule.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Builds the report from the configuration and the catalog.
 *
 * <p>OVERDUE is judged from the schedule rather than from a fixed interval, because cron intervals
 * are uneven (a quarter is 90 to 92 days): a drill is due by the first scheduled run after its
 * last PASSED run, plus the grace period; a source by its {@code max_backup_age} after its newest
 * backup, or else the first scheduled run after that backup plus the grace period. A drill that
 * never passed, or a source never backed up, is OVERDUE at once: silence is a failure too.
 * A last run that failed outranks lateness: the report says FAILED or ERRORED with its reason.
 */
public final class StatusReports {
    /** Runs per item in the timeline. */
    public static final int HISTORY = Catalog.RECENT_KEPT;

    private final Catalog catalog;
    /**
     * Schedules by expression, parsed once per report: a fleet shares a few schedules among many
     * items (the 2,000 jobs of bench/schedule.sh have 240), and parsing plus the next fire after
     * now was a tenth of a report's time over them.
     */
    private final Map<String, CronSchedule> schedules = new ConcurrentHashMap<>();
    private final Map<String, Optional<Instant>> nextFromNow = new ConcurrentHashMap<>();

    public StatusReports(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The items' newest {@link #HISTORY} runs come from the catalog's recent-runs tables, which
     * hold that many per item, so the report's cost follows the number of items, not the number
     * of runs. The newest passing (successful) run is nearly always among them; the catalog is
     * asked for it, one indexed query per item, only for the items whose recent runs have none.
     */
    public StatusReport build(LifeboatConfig config, Instant now) {
        Duration grace = config.schedule().grace();
        nextFromNow.clear();   // a second build has another now
        // The sources are read (on a second connection) and judged on a second thread while the
        // drills are on this one: the two scans were a third of a report over 2,000 items, one
        // after the other on one core. The cron memos below are shared, hence concurrent maps.
        CompletableFuture<List<SourceStatus>> sourcesJudged = CompletableFuture.supplyAsync(() -> sources(config, grace, now),
                task -> {
                    Thread second = new Thread(task, "lifeboat-report-sources");
                    second.setDaemon(true);
                    second.start();
                });
        Map<String, List<DrillRecord>> drillRuns = catalog.recentDrillRuns(config.drills().keySet(), HISTORY);
        Map<String, Instant> passes = newest(config.drills().keySet(), drillRuns, r -> r.outcome() == Outcome.PASSED,
                DrillRecord::startedAt, catalog::lastPassingDrillTimes);
        List<DrillStatus> drills = new ArrayList<>();
        for (DrillConfig d : config.drills().values()) {
            drills.add(drill(d, drillRuns.getOrDefault(d.name(), List.of()), Optional.ofNullable(passes.get(d.name())), grace, now));
        }
        List<SourceStatus> sources = joined(sourcesJudged);
        Map<String, AuditRecord> latestAudits = catalog.latestAudits();
        List<AuditStatus> audits = new ArrayList<>();
        for (TargetConfig t : config.targets().values()) {
            audits.add(audit(t, Optional.ofNullable(latestAudits.get(t.name())), grace, now));
        }
        return new StatusReport(now, grace, drills, sources, audits);
    }

    private List<SourceStatus> sources(LifeboatConfig config, Duration grace, Instant now) {
        Map<String, List<BackupRecord>> backupRuns = catalog.recentBackupRuns(config.sources().keySet(), HISTORY);
        Map<String, BackupRecord> successes = newest(config.sources().keySet(), backupRuns,
                r -> r.outcome() == BackupOutcome.SUCCEEDED, r -> r, catalog::lastSuccessfulBackups);
        List<SourceStatus> sources = new ArrayList<>();
        for (SourceConfig s : config.sources().values()) {
            sources.add(source(s, backupRuns.getOrDefault(s.name(), List.of()), Optional.ofNullable(successes.get(s.name())),
                    grace, now));
        }
        return sources;
    }

    /** The value, or the reader's own exception (a CatalogException names the catalog and the query). */
    private static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * Each item's newest run that is {@code wanted}: the first such in its recent runs (which are
     * newest first, in the catalog's order), else what {@code ask} finds in the catalog for the
     * items that have none there.
     */
    private static <R, V> Map<String, V> newest(Collection<String> items, Map<String, List<R>> recent, Predicate<R> wanted,
                                                Function<R, V> value, Function<List<String>, Map<String, V>> ask) {
        Map<String, V> result = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String item : items) {
            recent.getOrDefault(item, List.of()).stream().filter(wanted).findFirst()
                    .ifPresentOrElse(r -> result.put(item, value.apply(r)), () -> missing.add(item));
        }
        if (!missing.isEmpty()) {
            result.putAll(ask.apply(missing));
        }
        return result;
    }

    /**
     * A FAIL is FAILED; a target with {@code audit_schedule} is OVERDUE when it was never audited
     * or when the run scheduled after its newest audit has not happened within the grace period.
     */
    private AuditStatus audit(TargetConfig t, Optional<AuditRecord> last, Duration grace, Instant now) {
        Optional<CronSchedule> cron = t.auditSchedule().map(this::schedule);
        Optional<Instant> dueBy = last.flatMap(a -> cron.flatMap(c -> c.nextAfter(a.startedAt()))).map(x -> x.plus(grace));
        Health health;
        String reason;
        if (last.isPresent() && last.get().outcome() == AuditOutcome.FAIL) {
            health = Health.FAILED;
            reason = last.get().worst();
        } else if (last.isPresent() && last.get().outcome() == AuditOutcome.ERRORED) {
            health = Health.ERRORED;
            reason = last.get().worst();
        } else if (cron.isPresent() && last.isEmpty()) {
            health = Health.OVERDUE;
            reason = "never audited: no audit of " + t.name() + " in the catalog although it has audit_schedule";
        } else if (dueBy.isPresent() && now.isAfter(dueBy.get())) {
            health = Health.OVERDUE;
            reason = "the last audit was " + ago(last.orElseThrow().startedAt(), now) + " ago; the one scheduled after it ("
                    + t.auditSchedule().orElseThrow() + ") has not run within the grace period of " + Durations.describe(grace);
        } else {
            health = Health.OK;
            reason = last.map(AuditRecord::worst).orElse("not audited yet (no audit_schedule; run lifeboat audit)");
        }
        return new AuditStatus(t.name(), health, reason, t.auditSchedule(), last, cron.flatMap(c -> nextAfter(c, now)), dueBy);
    }

    private DrillStatus drill(DrillConfig d, List<DrillRecord> history, Optional<Instant> lastPassAt, Duration grace, Instant now) {
        CronSchedule cron = schedule(d.schedule());
        Optional<DrillRecord> last = history.stream().findFirst();
        Optional<Instant> dueBy = lastPassAt.flatMap(cron::nextAfter).map(t -> t.plus(grace));
        Health health;
        String reason;
        if (last.isPresent() && last.get().outcome() != Outcome.PASSED) {
            health = last.get().outcome() == Outcome.FAILED ? Health.FAILED : Health.ERRORED;
            reason = last.get().reason();
        } else if (lastPassAt.isEmpty()) {
            health = Health.OVERDUE;
            reason = "never ran: no drill of " + d.name() + " in the catalog";
        } else if (dueBy.isPresent() && now.isAfter(dueBy.get())) {
            health = Health.OVERDUE;
            reason = "the last passing drill was " + ago(lastPassAt.get(), now) + " ago; the run scheduled after it ("
                    + d.schedule() + ") has not passed within the grace period of " + Durations.describe(grace);
        } else {
            health = Health.OK;
            reason = last.get().reason();
        }
        return new DrillStatus(d.name(), d.source(), health, reason, d.schedule(), last, lastPassAt,
                last.flatMap(DrillRecord::backupAge), last.flatMap(DrillRecord::restoreDuration), nextAfter(cron, now), dueBy,
                history);
    }

    private SourceStatus source(SourceConfig s, List<BackupRecord> history, Optional<BackupRecord> lastSuccess, Duration grace,
                                Instant now) {
        Optional<CronSchedule> cron = s.schedule().map(this::schedule);
        Optional<BackupRecord> last = history.stream().findFirst();
        Optional<Duration> age = lastSuccess.map(b -> Duration.between(b.startedAt(), now));
        Optional<Instant> dueBy = lastSuccess.flatMap(b -> s.maxBackupAge().map(max -> b.startedAt().plus(max))
                .or(() -> cron.flatMap(c -> c.nextAfter(b.startedAt())).map(t -> t.plus(grace))));
        Health health;
        String reason;
        if (last.isPresent() && last.get().outcome() != BackupOutcome.SUCCEEDED) {
            health = last.get().outcome() == BackupOutcome.FAILED ? Health.FAILED : Health.ERRORED;
            reason = last.get().reason();
        } else if (lastSuccess.isEmpty()) {
            health = Health.OVERDUE;
            reason = "no backup of " + s.name() + " in the catalog (run lifeboat catalog sync if it has backups elsewhere)";
        } else if (dueBy.isPresent() && now.isAfter(dueBy.get())) {
            health = Health.OVERDUE;
            reason = "the newest backup is " + Durations.describe(age.orElseThrow()) + " old"
                    + s.maxBackupAge().map(m -> ", more than max_backup_age " + Durations.describe(m))
                    .orElse(", and the run scheduled after it (" + s.schedule().orElse("") + ") has not succeeded within the"
                            + " grace period of " + Durations.describe(grace));
        } else {
            health = Health.OK;
            reason = last.get().reason();
        }
        return new SourceStatus(s.name(), health, reason, s.schedule(), last, lastSuccess, age, s.maxBackupAge(),
                cron.flatMap(c -> nextAfter(c, now)), dueBy, history);
    }

    private CronSchedule schedule(String expression) {
        return schedules.computeIfAbsent(expression, CronSchedule::parse);
    }

    /** The next fire time after {@code now}, which is the same for every item of a report. */
    private Optional<Instant> nextAfter(CronSchedule cron, Instant now) {
        return nextFromNow.computeIfAbsent(cron.expression(), e -> cron.nextAfter(now));
    }

    private static String ago(Instant then, Instant now) {
        return Durations.describe(Duration.between(then, now));
    }
}
