package io.lifeboat.catalog;

/** How an audit of a target ended, as {@code lifeboat audit} says it. */
public enum AuditOutcome {
    /** Every finding PASS. */
    PASS,
    /** No FAIL, at least one WARN (the server could not tell, or does not enforce something). */
    WARN,
    /** A credential can do more than its role allows, or cannot do its job (exit 1). */
    FAIL,
    /** The audit could not run to its end (credentials, endpoint unreachable). */
    ERRORED
}
