package io.lifeboat.schedule;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.TreeMap;
import org.quartz.CronExpression;

/**
 * A Quartz cron expression as the report and the scheduler read it, in the host's time zone (the
 * one cron and systemd timers use too). Wraps Quartz so that only this package imports it.
 */
public final class CronSchedule {
    /** More answers than a report over thousands of items keeps; past it the memo starts again. */
    private static final int MAX_KNOWN = 10_000;

    private final String expression;
    private final CronExpression cron;
    /**
     * Answers already computed, as intervals: {@code start -> fire} means that for every t in
     * [start, fire) the first fire after t is fire (nothing fires between start and fire). A
     * report asks once per item, with each item's last run, and those cluster between the same
     * two fires; Quartz's search (calendar arithmetic over sorted sets) was most of judging a
     * drill. An empty fire: never again, for every t from start on.
     */
    private final TreeMap<Instant, Optional<Instant>> known = new TreeMap<>();

    private CronSchedule(String expression, CronExpression cron) {
        this.expression = expression;
        this.cron = cron;
    }

    /**
     * Parses an expression; the configuration loader has already checked its shape, so a failure
     * here is a value Quartz rejects (e.g. day 32) and is reported with Quartz's reason.
     */
    public static CronSchedule parse(String expression) {
        try {
            CronExpression cron = new CronExpression(expression);
            cron.setTimeZone(TimeZone.getDefault());
            return new CronSchedule(expression, cron);
        } catch (ParseException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid Quartz cron expression: " + e.getMessage(), e);
        }
    }

    public String expression() {
        return expression;
    }

    /** The first fire time strictly after {@code t}; empty when the schedule never fires again. */
    public synchronized Optional<Instant> nextAfter(Instant t) {
        Map.Entry<Instant, Optional<Instant>> interval = known.floorEntry(t);
        if (interval != null && interval.getValue().map(t::isBefore).orElse(true)) {
            return interval.getValue();
        }
        Optional<Instant> next = Optional.ofNullable(cron.getNextValidTimeAfter(Date.from(t))).map(Date::toInstant);
        if (known.size() >= MAX_KNOWN) {
            known.clear();
        }
        known.put(t, next);
        return next;
    }

    @Override
    public String toString() {
        return expression;
    }
}
