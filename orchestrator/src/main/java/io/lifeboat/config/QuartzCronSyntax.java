package io.lifeboat.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the shape of a Quartz cron expression when the file is loaded, so a typo is reported by
 * {@code lifeboat check} instead of the night the first backup should have run. Quartz itself is
 * only on the classpath of the scheduler package, which parses the expression fully; this checks
 * the field count, the characters each field may hold, the month and day names, and Quartz's rule
 * that one of day-of-month and day-of-week is {@code ?} (the usual trap when copying Unix cron).
 */
final class QuartzCronSyntax {
    private static final List<String> FIELDS =
            List.of("seconds", "minutes", "hours", "day-of-month", "month", "day-of-week", "year");
    private static final List<Pattern> ALLOWED = List.of(
            Pattern.compile("[0-9,*/-]+"),
            Pattern.compile("[0-9,*/-]+"),
            Pattern.compile("[0-9,*/-]+"),
            Pattern.compile("[0-9,*/?LW-]+"),
            Pattern.compile("[0-9A-Za-z,*/-]+"),
            Pattern.compile("[0-9A-Za-z,*/?L#-]+"),
            Pattern.compile("[0-9,*/-]+"));
    private static final List<String> ALLOWED_DESCRIPTION = List.of(
            "digits and , - * /",
            "digits and , - * /",
            "digits and , - * /",
            "digits and , - * / ? L W",
            "digits, JAN-DEC and , - * /",
            "digits, SUN-SAT and , - * / ? L #",
            "digits and , - * /");
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final Pattern LETTERS = Pattern.compile("[A-Za-z]+");
    private static final int DAY_OF_MONTH = 3;
    private static final int MONTH = 4;
    private static final int DAY_OF_WEEK = 5;
    private static final String EXAMPLE = "e.g. \"0 0 3 * * ?\" runs every day at 03:00:00";

    private QuartzCronSyntax() {
    }

    /** Empty when the expression has a valid shape; otherwise what is wrong and how to fix it. */
    static Optional<Defect> check(String expression) {
        String trimmed = expression.trim();
        if (trimmed.isEmpty()) {
            return Optional.of(new Defect("the cron expression is empty",
                    "write six fields: seconds minutes hours day-of-month month day-of-week, " + EXAMPLE));
        }
        String[] fields = trimmed.split("\\s+");
        String quoted = ProblemList.quote(expression);
        if (fields.length == 5) {
            return Optional.of(new Defect(quoted + " has 5 fields, like Unix cron; Quartz cron has 6 or 7",
                    unixCronHint(fields)));
        }
        if (fields.length != 6 && fields.length != 7) {
            return Optional.of(new Defect(quoted + " has " + fields.length + " fields; Quartz cron has 6 or 7",
                    "the fields are seconds minutes hours day-of-month month day-of-week [year], " + EXAMPLE));
        }
        for (int i = 0; i < fields.length; i++) {
            String field = fields[i];
            if (!ALLOWED.get(i).matcher(field).matches()
                    || (field.contains("?") && !field.equals("?"))) {
                return Optional.of(new Defect(
                        "the " + FIELDS.get(i) + " field " + ProblemList.quote(field) + " of " + quoted
                                + " has characters Quartz does not accept there",
                        "allowed in " + FIELDS.get(i) + ": " + ALLOWED_DESCRIPTION.get(i)
                                + (field.contains("?") ? "; ? stands alone, in day-of-month or day-of-week only" : "")));
            }
        }
        Optional<Defect> names = checkNames(fields[MONTH], MONTHS, "month", quoted)
                .or(() -> checkNames(fields[DAY_OF_WEEK], DAYS, "day-of-week", quoted))
                .or(() -> checkNames(fields[DAY_OF_MONTH], List.of(), "day-of-month", quoted));
        if (names.isPresent()) {
            return names;
        }
        boolean domUnspecified = fields[DAY_OF_MONTH].equals("?");
        boolean dowUnspecified = fields[DAY_OF_WEEK].equals("?");
        if (domUnspecified == dowUnspecified) {
            return Optional.of(new Defect(quoted + (domUnspecified
                    ? " has ? in both day-of-month and day-of-week"
                    : " sets both day-of-month and day-of-week; Quartz needs ? in exactly one of them"),
                    "put ? in the day field you do not use, " + EXAMPLE));
        }
        return Optional.empty();
    }

    /** Letters are only names (JAN, MON) or Quartz's L and W markers. */
    private static Optional<Defect> checkNames(String field, List<String> names, String fieldName, String quoted) {
        Matcher m = LETTERS.matcher(field);
        while (m.find()) {
            String word = m.group().toUpperCase(Locale.ROOT);
            boolean ok = names.contains(word)
                    || word.equals("L")
                    || (fieldName.equals("day-of-month") && (word.equals("W") || word.equals("LW")))
                    || (fieldName.equals("day-of-week") && word.endsWith("L") && names.contains(word.substring(0, word.length() - 1)));
            if (!ok) {
                String hint = names.isEmpty()
                        ? "day-of-month takes numbers, L (last day) and W (nearest weekday)"
                        : DidYouMean.closest(word, names).map(s -> "did you mean " + s + "? ").orElse("")
                        + fieldName + " names are " + String.join(",", names);
                return Optional.of(new Defect("the " + fieldName + " field of " + quoted
                        + " has " + ProblemList.quote(m.group()) + ", which is not a " + fieldName + " name", hint));
            }
        }
        return Optional.empty();
    }

    /**
     * Unix cron has no seconds field and lets both day fields be {@code *}. When the conversion is
     * unambiguous, the hint gives the Quartz expression to paste.
     */
    private static String unixCronHint(String[] f) {
        String advice = "add a seconds field in front and put ? in day-of-month or day-of-week";
        if (f[4].equals("*")) {
            return advice + ": " + "\"0 " + f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " ?\"";
        }
        return advice + " (Quartz numbers days of the week 1-7 from Sunday, Unix cron 0-6), " + EXAMPLE;
    }
}
