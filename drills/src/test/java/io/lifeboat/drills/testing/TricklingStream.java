package io.lifeboat.drills.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * A dump that arrives one byte per {@code pause}: a good dump of a few kilobytes then takes
 * minutes, standing for a restore that hangs, without any special statement in the dump.
 */
public final class TricklingStream extends InputStream {
    private final byte[] data;
    private final Duration pause;
    private int next;

    public TricklingStream(byte[] data, Duration pause) {
        this.data = data.clone();
        this.pause = pause;
    }

    @Override
    public int read() throws IOException {
        if (next == data.length) {
            return -1;
        }
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trickling");
        }
        return data[next++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int c = read();
        if (c < 0) {
            return -1;
        }
        b[off] = (byte) c;
        return 1;
    }
}
