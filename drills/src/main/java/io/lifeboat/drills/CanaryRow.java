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

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A fresh token, {@code lb-} and 24 random hex digits: what every engine writes. */
    public static String newToken() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "lb-" + java.util.HexFormat.of().formatHex(b);
    }
}
