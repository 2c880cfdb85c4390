package io.lifeboat.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The problems found while reading one configuration file. The loader keeps going after a
 * problem, so a person fixes the whole file in one round instead of one error per run.
 */
final class ProblemList {
    private static final int MAX_QUOTED_LENGTH = 80; // an age recipient (62) fits whole

    private final Path file;
    // A set: an aliased YAML node can be visited twice, and one defect should be reported once.
    private final Set<ConfigProblem> problems = new LinkedHashSet<>();

    ProblemList(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void add(int line, String key, String message, String hint) {
        problems.add(new ConfigProblem(file, line, key, message, hint));
    }

    int count() {
        return problems.size();
    }

    /** Throws one exception carrying every problem, in file order, if there is any. */
    void throwIfAny() {
        if (problems.isEmpty()) {
            return;
        }
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line)); // stable: ties keep walk order
        throw new ConfigException(sorted);
    }

    /**
     * A value as it may appear in a message: single-quoted, control characters escaped, long
     * values shortened. Anything that looks like an age private key is never shown, wherever it
     * was put by mistake.
     */
    static String quote(String value) {
        if (value.toUpperCase(Locale.ROOT).contains("AGE-SECRET-KEY-")) {
            return "(a value that looks like an age private key, not shown)";
        }
        StringBuilder out = new StringBuilder("'");
        int shown = 0;
        for (int i = 0; i < value.length(); i++) {
            if (shown == MAX_QUOTED_LENGTH) {
                out.append("...");
                break;
            }
            char c = value.charAt(i);
            switch (c) {
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
            shown++;
        }
        return out.append('\'').toString();
    }
}
