package io.lifeboat.drills.sandbox;

/**
 * The sandbox guard refused the place a drill would restore into (it matches a configured
 * source, lacks the drill prefix, or is on a server not declared as a sandbox): a FAILED drill,
 * because a configuration that points a drill at production is itself the defect to report.
 */
public class SandboxRefusedException extends Exception {
    public SandboxRefusedException(String message) {
        super(message);
    }
}
