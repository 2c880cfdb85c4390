package io.lifeboat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonReportTest {

    @Test
    void timesAreWrittenExactlyAsInstantPrintsThem() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            long second = random.nextLong(-70_000_000_000L, 300_000_000_000L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(second, nano);
            assertEquals(t.toString(), JsonReport.iso(t));
        }
        for (Instant t : new Instant[] {Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("1000-01-01T00:00:00.000000001Z"), Instant.parse("2026-11-24T08:00:00.010Z")}) {
            assertEquals(t.toString(), JsonReport.iso(t));
        }
    }
}
