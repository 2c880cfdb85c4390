package io.lifeboat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lifeboat.schedule.CronSchedule;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MemoizedScheduleTest {

    @Test
    void answersAsTheScheduleDoesWhateverTheOrderOfQuestions() {
        SplittableRandom random = new SplittableRandom(11);
        long start = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        for (String expression : new String[] {"0 0 3 * * ?", "0 17 4 1 1,4,7,10 ?", "0 */5 * * * ?", "30 0 0 ? * MON",
                "0 0 12 1 1 ? 2026"}) {
            CronSchedule cron = CronSchedule.parse(expression);
            MemoizedSchedule memo = new MemoizedSchedule(cron);
            Instant previous = Instant.ofEpochSecond(start);
            for (int i = 0; i < 5_000; i++) {
                // Near the previous question half of the time (as a report's items are), anywhere otherwise.
                Instant t = i % 2 == 0
                        ? previous.plusMillis(random.nextLong(-3_600_000, 3_600_000))
                        : Instant.ofEpochSecond(start + random.nextLong(-400 * 86_400L, 400 * 86_400L), random.nextInt(1_000_000_000));
                assertEquals(cron.nextAfter(t), memo.nextAfter(t), expression + " after " + t);
                previous = t;
            }
            Instant fire = cron.nextAfter(Instant.ofEpochSecond(start)).orElseThrow();
            assertEquals(cron.nextAfter(fire), memo.nextAfter(fire), "strictly after a fire time itself");
            assertEquals(cron.nextAfter(fire.minusNanos(1)), memo.nextAfter(fire.minusNanos(1)), expression);
        }
    }
}
