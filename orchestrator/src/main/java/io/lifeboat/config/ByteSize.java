package io.lifeboat.config;

import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes written as a number and a binary unit ({@code 16MiB}). Decimal units (MB) are refused
 * rather than guessed: S3's part limits are in MiB, and 16MB and 16MiB differ by 5%.
 */
final class ByteSize {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    private static final Pattern SIZE = Pattern.compile("(0|[1-9][0-9]{0,12})\\s*(B|KiB|MiB|GiB)?");
    private static final Map<String, Long> UNITS = Map.of("B", 1L, "KiB", KIB, "MiB", MIB, "GiB", GIB);

    private ByteSize() {
    }

    /** The number of bytes, or empty when the text is not a number with an optional binary unit. */
    static OptionalLong parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long unit = m.group(2) == null ? 1 : UNITS.get(m.group(2));
        return OptionalLong.of(Long.parseLong(m.group(1)) * unit);
    }

    /** The size in the largest unit that divides it: 16777216 → "16MiB". */
    static String format(long bytes) {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + "GiB";
        }
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return bytes + "B";
    }
}
