package io.lifeboat.drills;

/** How a drill, one of its steps, or one check ended. */
public enum Outcome {
    /** It worked: the backup restores and holds the right data. */
    PASSED,
    /** The backup or the data is bad (checksum, decryption, restore, a check, RPO, RTO, guard). */
    FAILED,
    /** lifeboat could not run it (bucket unreachable, sandbox failed to start): says nothing of the backup. */
    ERRORED;

    /** The worse of two outcomes: FAILED beats ERRORED beats PASSED, so a real defect is never hidden. */
    public Outcome worst(Outcome other) {
        if (this == FAILED || other == FAILED) {
            return FAILED;
        }
        if (this == ERRORED || other == ERRORED) {
            return ERRORED;
        }
        return PASSED;
    }
}
