package io.lifeboat.drills.sandbox;

import java.io.IOException;

/**
 * The dump a sandbox was restoring from could not be read to its end: the fetch, the
 * verification or the decryption behind the stream failed. It says nothing about the restore
 * tool; the cause is the stream's own exception, and the drill runner judges the backup by it.
 */
public class DumpReadException extends Exception {
    public DumpReadException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    @Override
    public synchronized IOException getCause() {
        return (IOException) super.getCause();
    }
}
