package io.lifeboat.audit;

import io.lifeboat.storage.ProbeOutcome;

/**
 * One row of an audit: what was tried with which credential, what its role says should happen,
 * what did happen, and the verdict with a reason a person can act on.
 *
 * @param credential {@code writer}, {@code reader} or {@code target} (for findings about the target itself)
 * @param check      the operation tried, e.g. {@code get}, {@code delete}
 * @param expected   {@code allowed} or {@code refused}
 * @param outcome    what the server did (null for findings that tried nothing)
 * @param status     PASS, FAIL or WARN
 * @param reason     why this status, in words
 */
public record Finding(String credential, String check, String expected, ProbeOutcome outcome, Status status, String reason) {

    public enum Status {
        PASS,
        /** Not what the role allows, or a target inside the blast radius: exit code 1. */
        FAIL,
        /** Could not tell, or a weakness the server (not the credential) is responsible for. */
        WARN
    }
}
