package io.lifeboat.config;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Rules the loader applies that belong to other parts of lifeboat: which engines exist, and what
 * a check's {@code expect:} may say. Passed in so that this package does not depend on the engine
 * registry or the drill library, and so that a typo in an expectation is reported by
 * {@code lifeboat check} with its line instead of failing a drill months later.
 *
 * <p>The application passes the real rules (the engine registry's names and the drill library's
 * expectation parser); {@link #withoutExpectationCheck} exists for callers that load a
 * configuration without running drills.
 *
 * @param knownEngines       engine names a source or sandbox server may use
 * @param expectationProblem given the text of an {@code expect:}, a message saying what is wrong
 *                           with it, or empty when it is valid. Must not throw.
 */
public record ConfigRules(Set<String> knownEngines, Function<String, Optional<String>> expectationProblem) {
    public ConfigRules {
        knownEngines = Set.copyOf(knownEngines);
    }

    /** These engines, and every {@code expect:} accepted as written (checked only when the drill runs). */
    public static ConfigRules withoutExpectationCheck(Set<String> knownEngines) {
        return new ConfigRules(knownEngines, text -> Optional.empty());
    }
}
