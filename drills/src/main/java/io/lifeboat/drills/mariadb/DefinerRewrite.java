package io.lifeboat.drills.mariadb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The dump as it streams, with every {@code DEFINER=`user`@`host`} of a view, trigger, routine or
 * event replaced by {@code DEFINER=CURRENT_USER}: what {@code pg_restore --no-owner} does for
 * PostgreSQL. Without it a restore into a sandbox fails in one of two ways that say nothing about
 * the backup: a sandbox login without SUPER (or SET USER) may not create objects for another
 * user (ERROR 1227), and where it may, the production accounts named as definers do not exist in
 * the sandbox, so every query of a view and every fired trigger fails (ERROR 1449).
 *
 * <p>Only short lines that start a definition are rewritten, never data: {@code mariadb-dump}
 * writes a definer only on lines starting with {@code /*!} (views, triggers, events) or
 * {@code CREATE} (routines), while data lines start with {@code INSERT INTO} or {@code (} (string
 * values have their line breaks escaped, so data never starts a line of its own). A line longer than {@value #MAX_LINE} bytes is
 * passed through untouched without being held in memory, so memory stays bounded whatever the
 * stream holds. A read failure of the underlying stream is thrown as it is.
 */
final class DefinerRewrite extends InputStream {

    static final int MAX_LINE = 64 * 1024;
    /** A backquoted name may contain doubled backquotes. */
    private static final Pattern DEFINER = Pattern.compile("DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*`");
    private static final byte[] VERSIONED_COMMENT = "/*!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CREATE = "CREATE ".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private byte[] out = new byte[0];
    private int outPos;
    /** Inside a line too long to rewrite: copy until its end. */
    private boolean passing;
    private boolean eof;

    DefinerRewrite(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (outPos >= out.length) {
            if (eof) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, out.length - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    /** Reads one chunk from the underlying stream into {@link #out}, rewriting complete short lines. */
    private void fill() throws IOException {
        byte[] buf = new byte[64 * 1024];
        int n = in.read(buf);
        ByteArrayOutputStream ready = new ByteArrayOutputStream(Math.max(n, 16));
        if (n < 0) {
            eof = true;
            flushLine(ready);
        } else {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                if (passing) {
                    ready.write(buf, start, i + 1 - start);
                    passing = false;
                } else {
                    line.write(buf, start, i + 1 - start);
                    flushLine(ready);
                }
                start = i + 1;
            }
            if (passing) {
                ready.write(buf, start, n - start);
            } else {
                line.write(buf, start, n - start);
                if (line.size() > MAX_LINE) {
                    ready.write(line.toByteArray());
                    line.reset();
                    passing = true;
                }
            }
        }
        out = ready.toByteArray();
        outPos = 0;
    }

    private void flushLine(ByteArrayOutputStream ready) throws IOException {
        if (line.size() == 0) {
            return;
        }
        byte[] bytes = line.toByteArray();
        line.reset();
        if (!(startsWith(bytes, VERSIONED_COMMENT) || startsWith(bytes, CREATE)) || !contains(bytes)) {
            ready.write(bytes);
            return;
        }
        // ISO-8859-1 maps bytes to chars one to one, so whatever the encoding, other bytes stay as they are
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        ready.write(DEFINER.matcher(text).replaceAll("DEFINER=CURRENT_USER").getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains("DEFINER=`");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
