/**
 * Checks run against a restored sandbox, their expectations and results: configured SQL checks
 * ({@link io.lifeboat.drills.check.SqlCheck} with an {@link io.lifeboat.drills.check.Expectation}
 * parsed from {@code expect:}) and the built-in ones (row counts against the manifest, the canary
 * row, RPO, RTO). A check never throws: FAILED means the data is wrong, ERRORED that the check
 * could not tell.
 */
package io.lifeboat.drills.check;
