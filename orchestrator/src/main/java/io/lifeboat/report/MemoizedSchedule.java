package io.lifeboat.report;

import io.lifeboat.schedule.CronSchedule;
import java.time.Instant;
import java.util.Optional;

/**
 * A cron schedule that remembers its last answer. The first fire time strictly after {@code t}
 * is the same for every {@code t} from the earliest time that gave it up to that fire time
 * (there is no fire time in between), so the items of a report that share a schedule and ran
 * since its previous fire time, as most do, cost Quartz one computation instead of one each:
 * its next-fire search was a twentieth of a report's time over 2,000 items. Not thread-safe,
 * like the report builder that holds it.
 */
final class MemoizedSchedule {
    private final CronSchedule cron;
    /** Every time in [from, next) has {@link #next} as its next fire time (none: empty); null before the first answer. */
    private Instant from;
    private Optional<Instant> next = Optional.empty();

    MemoizedSchedule(CronSchedule cron) {
        this.cron = cron;
    }

    String expression() {
        return cron.expression();
    }

    /** As {@link CronSchedule#nextAfter}. */
    Optional<Instant> nextAfter(Instant t) {
        if (from != null && !t.isBefore(from) && (next.isEmpty() || t.isBefore(next.get()))) {
            return next;
        }
        Optional<Instant> answer = cron.nextAfter(t);
        if (from != null && t.isBefore(from) && answer.equals(next)) {
            from = t;   // the same fire time: the known range grows backwards
        } else {
            from = t;
            next = answer;
        }
        return answer;
    }
}
