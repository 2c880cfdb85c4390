package io.lifeboat.config;

import java.time.Duration;

/**
 * A verification query of a drill: run {@code sql} in the sandbox after the restore and compare
 * its result with {@code expect}.
 *
 * @param name    unique within its drill; names the check in results and alerts
 * @param sql     the query, as written
 * @param expect  the expectation, as written ({@code ">= 1000"}, {@code "true"}, ...); the loader
 *                has checked it with {@link ConfigRules#expectationProblem()}
 * @param timeout how long the query may run: the check's own {@code timeout}, else the drill's
 *                {@code check_timeout}
 * @param line    line of the check in the file
 */
public record CheckConfig(String name, String sql, String expect, Duration timeout, int line) {
}
