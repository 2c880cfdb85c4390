package io.lifeboat.backup;

/** Receives byte counts as a backup streams; the CLI draws a progress line from them on a terminal. */
@FunctionalInterface
public interface Progress {
    /** Called often (every few MB); implementations must be cheap and must not throw. */
    void update(long rawBytes, long storedBytes);

    Progress NONE = (raw, stored) -> { };
}
