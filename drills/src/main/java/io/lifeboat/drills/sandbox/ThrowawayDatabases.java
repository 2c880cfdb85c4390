package io.lifeboat.drills.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** How {@code server} sandboxes of every engine name the throwaway database of a drill run. */
public final class ThrowawayDatabases {

    /** PostgreSQL truncates identifiers to 63 bytes, MariaDB refuses more than 64: 63 suits both, never truncated. */
    public static final int MAX_NAME = 63;

    private ThrowawayDatabases() {
    }

    /** How a provider names the throwaway database of a run (tests pass others to show the guard refusing them). */
    @FunctionalInterface
    public interface Naming {
        String databaseName(SandboxRequest request);
    }

    /** {@link #name(String, String)} of the request's drill and run. */
    public static final Naming STANDARD = r -> name(r.drillName(), r.runId());

    /**
     * {@code lifeboat_drill_<drill>_<runId>}, lower-cased, every character other than
     * {@code [a-z0-9_]} replaced by {@code _}, at most 63 characters: a longer name keeps its
     * first 54 characters and gets {@code _} and 8 hex digits of the full name's SHA-256, so
     * that two runs never share a name even when the drill's name is long.
     */
    public static String name(String drillName, String runId) {
        String full = SandboxGuard.DATABASE_PREFIX + sanitize(drillName) + "_" + sanitize(runId);
        if (full.length() <= MAX_NAME) {
            return full;
        }
        return full.substring(0, MAX_NAME - 9) + "_" + sha256Hex(drillName + "\0" + runId).substring(0, 8);
    }

    private static String sanitize(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
