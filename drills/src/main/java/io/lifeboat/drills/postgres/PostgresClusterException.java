package io.lifeboat.drills.postgres;

/**
 * A private cluster could not be started, stopped or cleaned up. Messages say which cluster
 * directory, which step, and what PostgreSQL said (a start failure carries the tail of the
 * server log, where the server's own complaint is).
 */
public class PostgresClusterException extends RuntimeException {
    public PostgresClusterException(String message) {
        super(message);
    }

    public PostgresClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
