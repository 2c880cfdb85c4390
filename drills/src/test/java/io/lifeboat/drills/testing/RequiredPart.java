package io.lifeboat.drills.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when a part it needs (Docker, Ceph RGW) is missing: fail, so that CI can never
 * turn a missing part into a green run, or, with {@code -Dlifeboat.requireAll=false} (local
 * runs only), skip. Either way the message says how to get the part.
 */
public final class RequiredPart {

    /** {@code false} turns "a part is missing" from a test failure into a skipped test. */
    public static final String REQUIRE_ALL_PROPERTY = "lifeboat.requireAll";

    private RequiredPart() {
    }

    /** The setting of {@value #REQUIRE_ALL_PROPERTY} (default {@code true}). */
    public static boolean requireAll() {
        return Boolean.parseBoolean(System.getProperty(REQUIRE_ALL_PROPERTY, "true"));
    }

    /**
     * Fails ({@code requireAll}) or aborts the calling test; never returns.
     *
     * @param problem what is missing, e.g. "Ceph RGW (radosgw) is not installed"
     * @param howToGet the command that provides it
     * @param what     the tests concerned, e.g. "RGW tests"
     */
    public static <T> T missing(String problem, String howToGet, String what, boolean requireAll) {
        String message = problem + ". " + howToGet + " To skip " + what + " instead of failing, run with -D"
                + REQUIRE_ALL_PROPERTY + "=false.";
        if (requireAll) {
            return Assertions.fail(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable: abort throws");
    }
}
