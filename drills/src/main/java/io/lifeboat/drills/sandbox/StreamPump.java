package io.lifeboat.drills.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/**
 * Copies a dump stream into a restore tool's stdin, for every sandbox that restores through a
 * pipe. Read failures and write failures mean different things and are kept apart: a read
 * failure is the backup's (returned, so the caller stops the tool and reports it); a write
 * failure is the tool's (it stopped reading: its exit status will say why), after which the
 * rest of the dump is still read, because the dump stream verifies the backup at its end.
 */
public final class StreamPump {

    private static final int BUFFER = 256 * 1024;

    private StreamPump() {
    }

    /**
     * Copies {@code dump} into {@code toolStdin} and closes {@code toolStdin}, which tells the
     * tool the archive ended. After a read failure {@code toolStdin} is left open: the caller
     * stops the tool first, so that it never takes a cut-off archive for a complete one.
     *
     * @param abandoned true once the tool was stopped on purpose (deadline): the rest of the
     *                  dump is then not read
     * @return the exception a read of {@code dump} threw, or null when it was read to its end
     */
    public static IOException pump(InputStream dump, OutputStream toolStdin, BooleanSupplier abandoned) {
        byte[] buf = new byte[BUFFER];
        boolean writing = true;
        boolean readFailed = false;
        try {
            while (true) {
                int n;
                try {
                    n = dump.read(buf);
                } catch (IOException e) {
                    readFailed = true;
                    return e;
                }
                if (n < 0) {
                    return null;
                }
                // Checked on every read, not only when a write fails: the tool's stdin is
                // buffered, so writes into a stopped tool can succeed for a while (a dump that
                // trickled in went on being read for minutes past the deadline).
                if (abandoned.getAsBoolean()) {
                    return null;
                }
                if (writing) {
                    try {
                        toolStdin.write(buf, 0, n);
                    } catch (IOException e) {
                        // the tool closed its end: it failed or needs no more; its exit status decides
                        writing = false;
                        if (abandoned.getAsBoolean()) {
                            return null;
                        }
                    }
                }
            }
        } finally {
            try {
                if (!readFailed) {
                    toolStdin.close();
                }
            } catch (IOException ignored) {
                // as above: the tool is gone, its exit status says why
            }
        }
    }
}
