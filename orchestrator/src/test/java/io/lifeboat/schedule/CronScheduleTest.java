package io.lifeboat.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * {@link CronSchedule#nextAfter} remembers its answers as intervals: whatever order the questions
 * come in, each answer is Quartz's own for that instant, across daylight-saving changes, on
 * exact fire times and for a schedule that stops firing.
 */
class CronScheduleTest {

    private static final List<String> EXPRESSIONS = List.of("0 0 3 1 1,4,7,10 ?", "0 0 3 * * ?", "0 30 2 * * ?",
            "0 */15 * * * ?", "0 0 12 ? * MON-FRI", "0 0 0 1 1 ? 2027");

    @Test
    void everyAnswerIsQuartzsWhateverTheOrderOfTheQuestions() {
        TimeZone before = TimeZone.getDefault();
        // Europe/Berlin: 02:30 does not exist on the last Sunday of March and happens twice in October
        for (String zone : List.of("UTC", "Europe/Berlin")) {
            TimeZone.setDefault(TimeZone.getTimeZone(zone));
            try {
                for (String expression : EXPRESSIONS) {
                    CronSchedule remembering = CronSchedule.parse(expression);
                    Random random = new Random(expression.hashCode());
                    Instant from = Instant.parse("2026-01-01T00:00:00Z");
                    List<Instant> asked = new ArrayList<>();
                    for (int i = 0; i < 3000; i++) {
                        Instant t = from.plusMillis((long) (random.nextDouble() * Duration.ofDays(800).toMillis()));
                        asked.add(t);
                        // exact fire times and the instants just around them
                        CronSchedule.parse(expression).nextAfter(t).ifPresent(f -> {
                            asked.add(f);
                            asked.add(f.minusMillis(1));
                            asked.add(f.plusMillis(1));
                        });
                    }
                    int stopped = 0;
                    for (Instant t : asked) {
                        Optional<Instant> expected = CronSchedule.parse(expression).nextAfter(t);
                        assertEquals(expected, remembering.nextAfter(t), zone + " " + expression + " after " + t);
                        stopped += expected.isEmpty() ? 1 : 0;
                    }
                    if (expression.endsWith("2027")) {
                        assertTrue(stopped > 1000, "the questions reach past the schedule's last fire: " + stopped);
                    }
                }
            } finally {
                TimeZone.setDefault(before);
            }
        }
    }
}
