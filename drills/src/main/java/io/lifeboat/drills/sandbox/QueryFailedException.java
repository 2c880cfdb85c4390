package io.lifeboat.drills.sandbox;

/**
 * A query failed or timed out; the message has the database's error.
 *
 * <p>{@link #reason()} tells a check whether the failure says something about the restored data
 * (the database answered with an error: FAILED) or only about the circumstances (no answer in
 * time, the connection broke: ERRORED). The sandbox decides, because only it knows its engine's
 * error codes.
 */
public class QueryFailedException extends Exception {

    /** Why a query failed. */
    public enum Reason {
        /** The database answered with an error: missing table, bad SQL, corrupt data. */
        REJECTED,
        /** No answer within the time limit (statement timeout or the client was stopped). */
        TIMED_OUT,
        /** The database could not be asked or gave up for reasons of its own: connection, resources, shutdown. */
        UNAVAILABLE
    }

    private final Reason reason;

    /** A failure the database reported ({@link Reason#REJECTED}). */
    public QueryFailedException(String message) {
        this(message, Reason.REJECTED);
    }

    public QueryFailedException(String message, Reason reason) {
        super(message);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
