package io.lifeboat.engine;

import java.io.InputStream;

/**
 * A dump in progress. Read {@link #stream()} to its end, then call {@link #finish()}: the dump
 * is good only if finish returns. Closing without finishing kills the dump tool and removes its
 * temporary files.
 */
public interface DumpSession extends AutoCloseable {

    /** The dump's bytes, in the format named by {@link DumpInfo#format()}. */
    InputStream stream();

    /**
     * Waits for the dump tool to exit and returns what the manifest records. Throws a
     * {@link DumpFailedException} carrying the tool's stderr when it exited non-zero or was
     * killed, even if bytes were produced.
     */
    DumpInfo finish();

    /** Kills the dump tool if still running and removes temporary files (passfiles). */
    @Override
    void close();
}
