package io.lifeboat.engine;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;

/** The dump tool failed; the message carries its exit status and the tail of its stderr. */
public class DumpFailedException extends LifeboatException {
    public DumpFailedException(String message) {
        super(ExitCode.FAILED, message);
    }
}
