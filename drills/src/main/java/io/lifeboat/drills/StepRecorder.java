package io.lifeboat.drills;

import java.time.Duration;

/** Collects a drill's step timings; a step may be recorded by the runner or by a {@link DrillBackup}. */
@FunctionalInterface
public interface StepRecorder {
    void record(String step, Outcome status, Duration duration, String detail);
}
