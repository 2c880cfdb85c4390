package io.lifeboat.storage;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;

/** A storage operation failed; {@link #kind()} says how, the message says where and why. */
public class StorageException extends LifeboatException {

    public enum Kind {
        /** The key exists: lifeboat never overwrites, so this is a refusal, not a retry case. */
        ALREADY_EXISTS(ExitCode.FAILED),
        /** No object under the key. */
        NOT_FOUND(ExitCode.FAILED),
        /** The credential may not do this (which is how a write-only writer should look). */
        ACCESS_DENIED(ExitCode.FAILED),
        /** Network, DNS, connection refused, timeouts after retries: could not complete. */
        UNREACHABLE(ExitCode.INCOMPLETE),
        /** Anything else the store reported. */
        FAILED(ExitCode.FAILED);

        private final ExitCode exitCode;

        Kind(ExitCode exitCode) {
            this.exitCode = exitCode;
        }
    }

    private final Kind kind;

    public StorageException(Kind kind, String message) {
        super(kind.exitCode, message);
        this.kind = kind;
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        super(kind.exitCode, message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
