package io.lifeboat.drills;

import java.time.Duration;

/**
 * One step of a drill (fetch, verify, decrypt, sandbox, restore, teardown) with its timing.
 *
 * @param detail a sentence for a person: sizes, what failed and why
 */
public record StepResult(String name, Outcome status, Duration duration, String detail) {
}
