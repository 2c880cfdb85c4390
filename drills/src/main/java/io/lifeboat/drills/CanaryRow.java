package io.lifeboat.drills;

import java.time.Instant;

/**
 * The row lifeboat wrote into {@code lifeboat_canary} just before a dump; a drill of that backup
 * must find exactly this row (end-to-end proof that the backup holds that moment's data).
 *
 * @param token     a random value unique to the backup
 * @param writtenAt when it was written (server clock)
 */
public record CanaryRow(String token, Instant writtenAt) {
}
