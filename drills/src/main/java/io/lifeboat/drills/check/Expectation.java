package io.lifeboat.drills.check;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a check's value must be, parsed from the configuration's {@code expect:} text.
 *
 * <table>
 *   <caption>Accepted forms</caption>
 *   <tr><td>{@code >= N}, {@code <= N}, {@code > N}, {@code < N}</td><td>numeric comparison</td></tr>
 *   <tr><td>{@code = value}</td><td>numerically equal when both sides are numbers ({@code = 1000}
 *       accepts {@code 1000.00}), otherwise exactly the same text (case and spaces count)</td></tr>
 *   <tr><td>{@code true}, {@code false}</td><td>a boolean; PostgreSQL's {@code t}/{@code f} count as well</td></tr>
 *   <tr><td>{@code between A and B}</td><td>numeric, inclusive at both ends</td></tr>
 *   <tr><td>{@code matches /regex/}</td><td>a Java regular expression that must match the
 *       <em>whole</em> value (write {@code /.*foo.*}{@code /} to look for a part): full match,
 *       because a check that passes on any substring is too easy to get wrong</td></tr>
 * </table>
 * Keywords are case-insensitive; numbers are decimals with an optional sign, fraction and
 * exponent. A value of SQL NULL, or no row at all, meets no expectation.
 */
public sealed interface Expectation {

    /** The forms, for error messages. */
    String ACCEPTED_FORMS = "\">= N\", \"<= N\", \"> N\", \"< N\", \"= value\", \"true\", \"false\","
            + " \"between A and B\", \"matches /regex/\"";

    /** Whether {@code value} (never null: NULL and "no row" are decided by the caller) meets this expectation. */
    boolean isMetBy(String value);

    /** The canonical form, as the configuration would say it: {@code >= 1000}. */
    String describe();

    /**
     * Parses an {@code expect:} text.
     *
     * @throws IllegalArgumentException naming the text and listing the accepted forms
     */
    static Expectation parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return new IsBoolean(lower.equals("true"));
        }
        for (Comparison.Operator op : Comparison.Operator.values()) {
            // longest symbols first (the enum order), so ">=" is not read as "> =..."
            if (t.startsWith(op.symbol)) {
                String rest = t.substring(op.symbol.length()).strip();
                if (op == Comparison.Operator.EQUAL) {
                    if (rest.isEmpty()) {
                        throw invalid(text, "nothing after \"=\"");
                    }
                    if (rest.startsWith("=") || rest.startsWith(">") || rest.startsWith("<")) {
                        // "== 3" or "=> 3" is a typo far more often than a wish to compare with the text "= 3"
                        throw invalid(text, "one operator only: write \"= value\", \">= N\" or \"<= N\"");
                    }
                    return new EqualTo(rest);
                }
                return new Comparison(op, number(rest, text));
            }
        }
        Matcher between = Pattern.compile("(?i)between\\s+(\\S+)\\s+and\\s+(\\S+)").matcher(t);
        if (between.matches()) {
            BigDecimal low = number(between.group(1), text);
            BigDecimal high = number(between.group(2), text);
            if (low.compareTo(high) > 0) {
                throw invalid(text, "the lower bound " + low.toPlainString() + " is above the upper bound " + high.toPlainString());
            }
            return new Between(low, high);
        }
        if (lower.startsWith("matches")) {
            String rest = t.substring("matches".length()).strip();
            if (rest.length() < 2 || !rest.startsWith("/") || !rest.endsWith("/")) {
                throw invalid(text, "a regular expression goes between slashes, e.g. matches /^[0-9]+$/"
                        + " (for flags, write them inside: /(?i)abc/)");
            }
            String regex = rest.substring(1, rest.length() - 1);
            try {
                return new Matches(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw invalid(text, "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
            }
        }
        throw invalid(text, null);
    }

    private static BigDecimal number(String s, String text) {
        return parseNumber(s).orElseThrow(() -> invalid(text, "\"" + s + "\" is not a number"));
    }

    /** A decimal number, or empty when {@code s} is not one (NaN and Infinity are not). */
    static Optional<BigDecimal> parseNumber(String s) {
        String t = s.strip();
        if (t.isEmpty() || !t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(t));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("not a valid expectation: \"" + text + "\""
                + (why == null ? "" : " (" + why + ")") + "; use one of " + ACCEPTED_FORMS);
    }

    /** {@code >= N}, {@code <= N}, {@code > N}, {@code < N} (and {@code =}, which parses to {@link EqualTo}). */
    record Comparison(Operator operator, BigDecimal bound) implements Expectation {

        /** Longest symbols first: the parser tries them in this order. */
        enum Operator {
            AT_LEAST(">="), AT_MOST("<="), ABOVE(">"), BELOW("<"), EQUAL("=");

            final String symbol;

            Operator(String symbol) {
                this.symbol = symbol;
            }
        }

        public Comparison {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(bound, "bound");
            if (operator == Operator.EQUAL) {
                throw new IllegalArgumentException("use EqualTo for =");
            }
        }

        @Override
        public boolean isMetBy(String value) {
            return parseNumber(value).map(v -> {
                int c = v.compareTo(bound);
                return switch (operator) {
                    case AT_LEAST -> c >= 0;
                    case AT_MOST -> c <= 0;
                    case ABOVE -> c > 0;
                    case BELOW -> c < 0;
                    case EQUAL -> c == 0;
                };
            }).orElse(false);
        }

        @Override
        public String describe() {
            return operator.symbol + " " + bound.toPlainString();
        }
    }

    /** {@code = value}: numeric equality when both are numbers, else exact text. */
    record EqualTo(String expected) implements Expectation {
        public EqualTo {
            Objects.requireNonNull(expected, "expected");
        }

        @Override
        public boolean isMetBy(String value) {
            Optional<BigDecimal> a = parseNumber(expected);
            Optional<BigDecimal> b = parseNumber(value);
            if (a.isPresent() && b.isPresent()) {
                return a.get().compareTo(b.get()) == 0;
            }
            return expected.equals(value);
        }

        @Override
        public String describe() {
            return "= " + expected;
        }
    }

    /** {@code true} or {@code false}. */
    record IsBoolean(boolean expected) implements Expectation {
        @Override
        public boolean isMetBy(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            // psql prints booleans as t/f; sandboxes normalize, but a check should not depend on it
            boolean isTrue = v.equals("true") || v.equals("t");
            boolean isFalse = v.equals("false") || v.equals("f");
            return expected ? isTrue : isFalse;
        }

        @Override
        public String describe() {
            return Boolean.toString(expected);
        }
    }

    /** {@code between A and B}, inclusive. */
    record Between(BigDecimal low, BigDecimal high) implements Expectation {
        public Between {
            Objects.requireNonNull(low, "low");
            Objects.requireNonNull(high, "high");
        }

        @Override
        public boolean isMetBy(String value) {
            return parseNumber(value).map(v -> v.compareTo(low) >= 0 && v.compareTo(high) <= 0).orElse(false);
        }

        @Override
        public String describe() {
            return "between " + low.toPlainString() + " and " + high.toPlainString();
        }
    }

    /** {@code matches /regex/}: the whole value must match. */
    record Matches(Pattern pattern) implements Expectation {
        public Matches {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public boolean isMetBy(String value) {
            return pattern.matcher(value).matches();
        }

        @Override
        public String describe() {
            return "matches /" + pattern.pattern() + "/";
        }

        // Pattern has identity equality; two expectations with the same text are the same.
        @Override
        public boolean equals(Object o) {
            return o instanceof Matches m && m.pattern.pattern().equals(pattern.pattern());
        }

        @Override
        public int hashCode() {
            return pattern.pattern().hashCode();
        }
    }
}
