package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.privateserver.PrivateServerException;

/**
 * MariaDB's programs are missing, or a private MariaDB server could not be started, stopped or
 * cleaned up. A start failure carries the tail of the server's error log, where its own
 * complaint is.
 */
public class MariaDbServerException extends PrivateServerException {
    public MariaDbServerException(String message) {
        super(message);
    }

    public MariaDbServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
