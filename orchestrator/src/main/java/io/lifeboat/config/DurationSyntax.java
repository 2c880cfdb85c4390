package io.lifeboat.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in a configuration file: {@code 500ms}, {@code 90s},
 * {@code 30m}, {@code 26h}, {@code 7d}, and combinations from the largest unit down such as
 * {@code 1h30m}. ISO-8601 ({@code PT26H}) is accepted too, since it is what Java prints.
 *
 * <p>A bare number is refused rather than given a default unit: {@code max_backup_age: 26}
 * could mean hours to its author and seconds to the next reader. Negative values are refused
 * here; whether zero makes sense is the caller's decision (no lifeboat setting accepts it).
 */
final class DurationSyntax {
    /** What the messages offer; kept in one place so every duration problem lists the same forms. */
    static final String FORMS = "500ms, 90s, 30m, 26h, 7d, or combinations from the largest unit down such as 1h30m"
            + " (ISO-8601 like PT26H works too)";

    private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");
    private static final Map<String, Duration> UNIT_LENGTH = Map.of(
            "d", Duration.ofDays(1), "h", Duration.ofHours(1), "m", Duration.ofMinutes(1),
            "s", Duration.ofSeconds(1), "ms", Duration.ofMillis(1));
    /** Nine digits per part keeps every sum far inside Duration's range. */
    private static final Pattern PART = Pattern.compile("([0-9]{1,9})(ms|d|h|m|s)");
    private static final Pattern BARE_NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Pattern DECIMAL_PART = Pattern.compile("([0-9]+\\.[0-9]+)(ms|d|h|m|s)");
    /** Unit words that are not lifeboat's, mapped to the unit meant. */
    private static final Map<String, String> UNIT_WORDS = Map.ofEntries(
            Map.entry("sec", "s"), Map.entry("secs", "s"), Map.entry("second", "s"), Map.entry("seconds", "s"),
            Map.entry("min", "m"), Map.entry("mins", "m"), Map.entry("minute", "m"), Map.entry("minutes", "m"),
            Map.entry("hr", "h"), Map.entry("hrs", "h"), Map.entry("hour", "h"), Map.entry("hours", "h"),
            Map.entry("day", "d"), Map.entry("days", "d"), Map.entry("w", "7d"), Map.entry("week", "7d"),
            Map.entry("weeks", "7d"), Map.entry("msec", "ms"), Map.entry("millis", "ms"));
    private static final Pattern NUMBER_AND_WORD = Pattern.compile("([0-9]{1,9})\\s*([A-Za-z]+)");

    private DurationSyntax() {
    }

    /** Empty when {@link #parse} accepts the text; otherwise what is wrong and how to fix it. */
    static Optional<Defect> check(String text) {
        return read(text).defect();
    }

    /**
     * The duration the text means: zero or more.
     *
     * @throws IllegalArgumentException when {@link #check} reports a defect
     */
    static Duration parse(String text) {
        Reading r = read(text);
        return r.duration().orElseThrow(() -> new IllegalArgumentException(r.defect().orElseThrow().message()));
    }

    /**
     * The duration in this class's own notation: 90 minutes → {@code 1h30m}, zero → {@code 0s}.
     * Days are used only for whole days, as people write them: 26 hours is {@code 26h}, not
     * {@code 1d2h}.
     */
    static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration " + duration);
        }
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toHours() % 24 == 0 && duration.equals(Duration.ofDays(duration.toDays()))) {
            return duration.toDays() + "d";
        }
        StringBuilder out = new StringBuilder();
        Duration rest = duration;
        for (String unit : UNITS.subList(1, UNITS.size())) {
            long count = rest.dividedBy(UNIT_LENGTH.get(unit));
            if (count > 0) {
                out.append(count).append(unit);
                rest = rest.minus(UNIT_LENGTH.get(unit).multipliedBy(count));
            }
        }
        // Below a millisecond only ISO-8601 can say it exactly.
        return rest.isZero() ? out.toString() : duration.toString();
    }

    private record Reading(Optional<Duration> duration, Optional<Defect> defect) {
        static Reading of(Duration d) {
            return new Reading(Optional.of(d), Optional.empty());
        }

        static Reading problem(String message, String hint) {
            return new Reading(Optional.empty(), Optional.of(new Defect(message, hint)));
        }
    }

    private static Reading read(String original) {
        String text = original.trim();
        String quoted = ProblemList.quote(original);
        if (text.isEmpty()) {
            return Reading.problem("the duration is empty", "write it like " + FORMS);
        }
        if (text.startsWith("-")) {
            return Reading.problem(quoted + " is negative", "durations are positive: write it like " + FORMS);
        }
        if (text.startsWith("P") || text.startsWith("p")) {
            return readIso(text, quoted);
        }
        if (BARE_NUMBER.matcher(text).matches()) {
            String n = text.contains(".") || text.equals("0") ? "26" : text;
            return Reading.problem(quoted + " has no unit",
                    "add a unit: " + n + "s, " + n + "m, " + n + "h or " + n + "d; write it like " + FORMS);
        }
        Optional<Duration> plain = readParts(text);
        if (plain.isPresent()) {
            return Reading.of(plain.get());
        }
        return Reading.problem(quoted + " is not a duration", suggestion(text).map(s -> "did you mean " + s + "? ").orElse("")
                + "write it like " + FORMS);
    }

    /** {@code 1h30m}: parts whose units strictly decrease, covering the whole text. */
    private static Optional<Duration> readParts(String text) {
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int position = 0;
        int lastUnit = -1;
        while (position < text.length()) {
            if (!m.find(position) || m.start() != position) {
                return Optional.empty();
            }
            int unit = UNITS.indexOf(m.group(2));
            if (unit <= lastUnit) {
                return Optional.empty(); // 30m1h or 1h1h: a slip, not something to add up
            }
            lastUnit = unit;
            total = total.plus(UNIT_LENGTH.get(m.group(2)).multipliedBy(Long.parseLong(m.group(1))));
            position = m.end();
        }
        return Optional.of(total);
    }

    private static Reading readIso(String text, String quoted) {
        Duration d;
        try {
            d = Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return Reading.problem(quoted + " is not a duration", "write it like " + FORMS);
        }
        if (d.isNegative()) {
            return Reading.problem(quoted + " is negative", "durations are positive: write it like " + FORMS);
        }
        return Reading.of(d);
    }

    /** The likely intended spelling of a near miss ({@code 26H}, {@code 30min}, {@code 1.5h}). */
    private static Optional<String> suggestion(String text) {
        String lower = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
        if (!lower.equals(text) && readParts(lower).isPresent()) {
            return Optional.of(lower);
        }
        Matcher word = NUMBER_AND_WORD.matcher(lower);
        if (word.matches() && UNIT_WORDS.containsKey(word.group(2))) {
            String unit = UNIT_WORDS.get(word.group(2));
            if (unit.equals("7d")) {
                return Optional.of(Long.parseLong(word.group(1)) * 7 + "d");
            }
            return Optional.of(word.group(1) + unit);
        }
        Matcher decimal = DECIMAL_PART.matcher(lower);
        if (decimal.matches()) {
            BigDecimal millis = new BigDecimal(decimal.group(1))
                    .multiply(BigDecimal.valueOf(UNIT_LENGTH.get(decimal.group(2)).toMillis()));
            if (millis.signum() > 0 && millis.stripTrailingZeros().scale() <= 0 && millis.compareTo(BigDecimal.valueOf(1L << 40)) < 0) {
                return Optional.of(format(Duration.ofMillis(millis.longValueExact())));
            }
        }
        return Optional.empty();
    }
}
