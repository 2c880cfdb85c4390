package io.lifeboat.drills.check;

/**
 * A verification run against a restored sandbox: a query with an expectation, or a built-in
 * check (row counts against the manifest, canary row, RPO, RTO). Never throws: every problem is
 * a {@link CheckResult} with a reason.
 */
public interface Check {
    String name();

    CheckResult run(CheckContext context);
}
