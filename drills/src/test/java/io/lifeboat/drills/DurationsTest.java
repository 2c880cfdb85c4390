package io.lifeboat.drills;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "PT0S, 0 ms",
            "PT0.0000001S, <1 ms",
            "PT0.001S, 1 ms",
            "PT0.999S, 999 ms",
            "PT3.24S, 3.2 s",
            "PT30S, 30 s",
            "PT59.99S, 59.9 s",
            "PT1M, 1m",
            "PT4M5S, 4m5s",
            "PT30M, 30m",
            "PT26H, 26h",
            "PT30H12M34S, 30h12m",
            "PT72H, 72h",
            "-PT2S, -2 s",
    })
    void showsDurationsThewayTheConfigurationWritesThem(Duration d, String shown) {
        assertEquals(shown, Durations.describe(d));
    }
}
