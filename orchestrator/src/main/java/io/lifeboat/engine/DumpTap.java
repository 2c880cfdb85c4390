package io.lifeboat.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A dump tool's output that shows every byte read through it to a reader of the dump's format
 * (the engines' row counters), unchanged and without a copy. What the reader learns may be
 * asked from another thread: it sees the bytes under this stream's lock, a read at a time.
 */
public abstract class DumpTap extends FilterInputStream {

    private boolean ended;

    protected DumpTap(InputStream in) {
        super(in);
    }

    /** The bytes {@code b[off, end)} just read. Called under this stream's lock. */
    protected abstract void accept(byte[] b, int off, int end);

    /** The stream ended (read returned -1), said once. Called under this stream's lock. */
    protected abstract void ended();

    @Override
    public int read() throws IOException {
        int b = super.read();
        synchronized (this) {
            if (b >= 0) {
                accept(new byte[] {(byte) b}, 0, 1);
            } else {
                end();
            }
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        // one lock per chunk, not per byte
        synchronized (this) {
            if (n > 0) {
                accept(b, off, off + n);
            } else if (n < 0) {
                end();
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would go unseen: they are read instead.
        byte[] buf = new byte[(int) Math.max(1, Math.min(n, 8192))];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(left, buf.length));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void end() {
        if (!ended) {
            ended = true;
            ended();
        }
    }
}
