package io.lifeboat.drills;

/**
 * What a running drill is doing, for a progress line on a terminal. Called on the drill's
 * thread; implementations must be cheap and must not throw (a failing listener would otherwise
 * decide a drill's outcome).
 */
public interface DrillProgress {

    /** A step begins: {@code sandbox}, {@code restore}, {@code checks}, {@code teardown}. */
    default void step(String name) {
    }

    /**
     * Plaintext bytes restored so far, called often during the restore.
     *
     * @param total the dump's size from the manifest, or -1 when unknown
     */
    default void restored(long bytes, long total) {
    }

    /** Check {@code index} (1-based) of {@code total} begins. */
    default void check(int index, int total, String name) {
    }

    DrillProgress NONE = new DrillProgress() {
    };
}
