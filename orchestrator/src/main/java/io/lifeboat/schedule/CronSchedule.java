package io.lifeboat.schedule;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * A Quartz cron expression as the report and the scheduler read it, in the host's time zone (the
 * one cron and systemd timers use too). Wraps Quartz so that only this package imports it.
 */
public final class CronSchedule {
    private final String expression;
    private final CronExpression cron;

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
    public Optional<Instant> nextAfter(Instant t) {
        return Optional.ofNullable(cron.getNextValidTimeAfter(Date.from(t))).map(Date::toInstant);
    }

    @Override
    public String toString() {
        return expression;
    }
}
