package io.lifeboat.catalog;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;

/** The catalog could not be opened, read or written: the command could not complete (exit 3). */
public final class CatalogException extends LifeboatException {
    public CatalogException(String message, Throwable cause) {
        super(ExitCode.INCOMPLETE, message, cause);
    }
}
