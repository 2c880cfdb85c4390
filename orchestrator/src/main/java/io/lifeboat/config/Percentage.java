package io.lifeboat.config;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Percentages from 0% to 100% ({@code 0%}, {@code 2.5%}), read as a fraction (0.025). The
 * percent sign is required: a bare {@code 5} could be 5% or a fraction of 5, and a bare
 * {@code 0.05} could be 5% or 0.05%.
 */
final class Percentage {
    private static final Pattern PERCENT = Pattern.compile("([0-9]{1,3}(\\.[0-9]{1,6})?)\\s*%");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Percentage() {
    }

    /** Empty when {@link #fraction} accepts the text; otherwise what is wrong and how to fix it. */
    static Optional<Defect> check(String text) {
        String trimmed = text.trim();
        String quoted = ProblemList.quote(text);
        String forms = "write a percentage from 0% to 100%, e.g. 0% (exact) or 2.5%";
        if (trimmed.startsWith("-")) {
            return Optional.of(new Defect(quoted + " is negative", forms));
        }
        if (NUMBER.matcher(trimmed).matches()) {
            return Optional.of(new Defect(quoted + " has no percent sign",
                    "write " + trimmed + "% if you mean " + trimmed + " percent; " + forms));
        }
        if (!PERCENT.matcher(trimmed).matches()) {
            return Optional.of(new Defect(quoted + " is not a percentage", forms));
        }
        if (percent(trimmed).compareTo(HUNDRED) > 0) {
            return Optional.of(new Defect(quoted + " is over 100%", forms));
        }
        return Optional.empty();
    }

    /**
     * The fraction the text means, 0.0 to 1.0.
     *
     * @throws IllegalArgumentException when {@link #check} reports a defect
     */
    static double fraction(String text) {
        check(text).ifPresent(d -> {
            throw new IllegalArgumentException(d.message());
        });
        return percent(text.trim()).divide(HUNDRED).doubleValue();
    }

    private static BigDecimal percent(String trimmed) {
        return new BigDecimal(trimmed.substring(0, trimmed.indexOf('%')).trim());
    }
}
