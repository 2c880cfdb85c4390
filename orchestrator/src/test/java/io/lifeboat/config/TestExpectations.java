package io.lifeboat.config;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A stand-in for the drill library's expectation parser, which the loader only knows as a
 * function: it accepts {@code >= N} and {@code true} and rejects everything else with a message
 * of its own, so tests can see that message arrive with the right line and key.
 */
final class TestExpectations {
    static final Set<String> ENGINES = Set.of("postgres", "mariadb");
    static final ConfigRules RULES = new ConfigRules(ENGINES, TestExpectations::problem);

    private static final Pattern AT_LEAST = Pattern.compile(">= [0-9]+");

    private TestExpectations() {
    }

    static Optional<String> problem(String text) {
        if (text.equals("true") || AT_LEAST.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of("test validator: '" + text + "' is neither '>= N' nor 'true'");
    }

    static ConfigRules rules(Set<String> engines) {
        return new ConfigRules(engines, TestExpectations::problem);
    }
}
