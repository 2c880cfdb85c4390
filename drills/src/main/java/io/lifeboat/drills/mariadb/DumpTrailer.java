package io.lifeboat.drills.mariadb;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The dump as it streams, remembering its last bytes, to tell afterwards whether it ends with the
 * line {@code mariadb-dump} writes last ({@code -- Dump completed on …}, or {@code -- Dump
 * completed} with {@code --skip-dump-date}).
 *
 * <p>Why: a SQL dump is a script, and a script cut after a whole statement is still a valid
 * script. The client restores such a dump without an error, and a restore of half a backup would
 * look like a good one (row counts catch only tables whose data was cut, not the views, triggers
 * and routines written after the data). pg_restore's archive format has no such gap: it says
 * "could not read from input file: end of file". lifeboat's own dumps always carry the line
 * (it never passes {@code --skip-comments} or {@code --compact}).
 */
final class DumpTrailer extends FilterInputStream {

    static final String COMPLETED = "-- Dump completed";
    private static final int KEEP = 256;

    private final byte[] tail = new byte[KEEP];
    private long total;

    DumpTrailer(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            tail[(int) (total++ % KEEP)] = (byte) b;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        for (int i = Math.max(0, n - KEEP); i < n; i++) {
            tail[(int) ((total + i) % KEEP)] = b[off + i];
        }
        if (n > 0) {
            total += n;
        }
        return n;
    }

    /** Whether the last line that is not blank, among the bytes read so far, is the completion line. */
    boolean complete() {
        int size = (int) Math.min(total, KEEP);
        byte[] last = new byte[size];
        for (int i = 0; i < size; i++) {
            last[i] = tail[(int) ((total - size + i) % KEEP)];
        }
        String text = new String(last, StandardCharsets.UTF_8).stripTrailing();
        int lineStart = text.lastIndexOf('\n') + 1;
        return text.startsWith(COMPLETED, lineStart);
    }

    /** How many bytes were read: for the message. */
    long bytesRead() {
        return total;
    }
}
