package io.lifeboat.drills.sandbox;

/** A query failed or timed out; the message has the database's error. */
public class QueryFailedException extends Exception {
    public QueryFailedException(String message) {
        super(message);
    }
}
