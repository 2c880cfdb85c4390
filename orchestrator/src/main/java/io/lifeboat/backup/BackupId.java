package io.lifeboat.backup;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup's identity: its UTC start time to the second plus 8 random hex digits, e.g.
 * {@code 20261124T031500Z-3f2a9c1b}. Sorting ids sorts backups by time; the random part keeps
 * two backups started in the same second (two hosts, a retry) from ever aiming at one key.
 */
public record BackupId(Instant startedAt, String suffix) implements Comparable<BackupId> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern FORM = Pattern.compile("(\\d{8}T\\d{6}Z)-([0-9a-f]{8})");
    private static final SecureRandom RANDOM = new SecureRandom();

    public static BackupId newId(Instant now) {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return new BackupId(now.truncatedTo(ChronoUnit.SECONDS), HexFormat.of().formatHex(b));
    }

    /** Parses the text form; empty-handed callers get a message naming the expected form. */
    public static BackupId parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a backup id (expected e.g. 20261124T031500Z-3f2a9c1b)");
        }
        return new BackupId(Instant.from(STAMP.parse(m.group(1))), m.group(2));
    }

    /** Finds an id at the start of a file name, if there is one. */
    static java.util.Optional<BackupId> fromFileName(String fileName) {
        Matcher m = FORM.matcher(fileName);
        if (m.lookingAt()) {
            return java.util.Optional.of(parse(m.group()));
        }
        return java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return STAMP.format(startedAt) + "-" + suffix;
    }

    @Override
    public int compareTo(BackupId o) {
        return toString().compareTo(o.toString());
    }
}
