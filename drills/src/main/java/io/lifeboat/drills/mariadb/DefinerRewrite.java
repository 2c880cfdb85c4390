package io.lifeboat.drills.mariadb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
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
 * values have their line breaks escaped, so data never starts a line of its own). A line longer
 * than {@value #MAX_LINE} bytes (its line break not counted) is passed through untouched without
 * being held in memory, so memory stays bounded whatever the stream holds. A read failure of the
 * underlying stream is thrown as it is.
 *
 * <p>Speed: the data lines are nearly all of a dump, so each line is classified from its first
 * bytes (which may arrive in different reads) and every other line is copied once, from the read
 * buffer straight into the caller's; only the few definition lines are held and rewritten. The
 * output does not depend on how the underlying stream or the caller chunk their reads.
 */
final class DefinerRewrite extends InputStream {

    static final int MAX_LINE = 64 * 1024;
    /** A backquoted name may contain doubled backquotes. */
    private static final Pattern DEFINER = Pattern.compile("DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*`");
    private static final byte[] VERSIONED_COMMENT = "/*!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CREATE = "CREATE ".getBytes(StandardCharsets.US_ASCII);

    /** What the current line is, as far as its first bytes tell. */
    private enum Line {
        /** Its first bytes are still being read (into {@link #line}) to decide. */
        START,
        /** It may hold a definer: held whole in {@link #line}, rewritten at its end. */
        HOLD,
        /** Data, or a line too long to hold: copied through to its end. */
        PASS
    }

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int bufPos;
    private int bufLen;
    private boolean eof;
    /** The held line (or the first bytes of one); room for {@value #MAX_LINE} bytes and a line break. */
    private byte[] line = new byte[256];
    private int lineLen;
    private Line mode = Line.START;
    /** Bytes ready for the caller before anything else: a finished or given-up line. May be {@link #line}. */
    private byte[] out;
    private int outPos;
    private int outLen;
    private final byte[] one = new byte[1];

    DefinerRewrite(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len) {
            if (outPos < outLen) {
                int k = Math.min(len - n, outLen - outPos);
                System.arraycopy(out, outPos, b, off + n, k);
                outPos += k;
                n += k;
                continue;
            }
            if (bufPos == bufLen) {
                if (n > 0) {
                    break; // never block for more while holding bytes the caller could have
                }
                if (eof) {
                    if (!finishLine()) {
                        return -1;
                    }
                    continue;
                }
                int r = in.read(buf, 0, buf.length);
                if (r < 0) {
                    eof = true;
                } else {
                    bufPos = 0;
                    bufLen = r;
                }
                continue;
            }
            switch (mode) {
                case PASS -> n += pass(b, off + n, len - n);
                case START -> start();
                case HOLD -> hold();
            }
        }
        return n;
    }

    /** Copies bytes of a passed line from the buffer to the caller, up to and with its line break. */
    private int pass(byte[] b, int off, int room) {
        int end = Math.min(bufLen, bufPos + room);
        int i = bufPos;
        while (i < end && buf[i] != '\n') {
            i++;
        }
        if (i < end) {
            i++;
            mode = Line.START;
        }
        int k = i - bufPos;
        System.arraycopy(buf, bufPos, b, off, k);
        bufPos = i;
        return k;
    }

    /** Takes one of the line's first bytes and decides, once they tell, whether to hold or pass it. */
    private void start() {
        byte c = buf[bufPos++];
        line[lineLen++] = c;
        if (c == '\n') {
            emit(line, lineLen); // a short line that is neither: as it is
        } else if (prefixOf(VERSIONED_COMMENT) || prefixOf(CREATE)) {
            if (lineLen == VERSIONED_COMMENT.length && prefixOf(VERSIONED_COMMENT) || lineLen == CREATE.length) {
                mode = Line.HOLD;
            }
        } else {
            emit(line, lineLen);
            mode = Line.PASS;
        }
    }

    /** Whether the bytes so far could still be, or are, the start of {@code prefix}. */
    private boolean prefixOf(byte[] prefix) {
        if (lineLen > prefix.length) {
            return false;
        }
        for (int i = 0; i < lineLen; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Appends the buffer's bytes to the held line, up to its end (then rewritten) or {@value #MAX_LINE} (then passed). */
    private void hold() {
        int room = MAX_LINE + 1 - lineLen;
        int end = Math.min(bufLen, bufPos + room);
        int i = bufPos;
        while (i < end && buf[i] != '\n') {
            i++;
        }
        boolean complete = i < end; // found the line break within MAX_LINE
        if (complete) {
            i++;
        }
        int k = i - bufPos;
        if (lineLen + k > line.length) {
            line = Arrays.copyOf(line, Math.min(MAX_LINE + 2, Math.max(lineLen + k, line.length * 2)));
        }
        System.arraycopy(buf, bufPos, line, lineLen, k);
        lineLen += k;
        bufPos = i;
        if (complete) {
            rewrite();
        } else if (lineLen > MAX_LINE) {
            emit(line, lineLen); // too long to hold: what is held so far, then the rest as it comes
            mode = Line.PASS;
        }
    }

    /** At the end of the stream: the last line if it has no line break. Whether there was one. */
    private boolean finishLine() {
        if (lineLen == 0) {
            return false;
        }
        if (mode == Line.HOLD) {
            rewrite();
        } else {
            emit(line, lineLen);
        }
        return true;
    }

    /** The held line, its definers replaced, as the next output; the next line starts. */
    private void rewrite() {
        if (!contains(line, lineLen)) {
            emit(line, lineLen);
        } else {
            // ISO-8859-1 maps bytes to chars one to one, so whatever the encoding, other bytes stay as they are
            String text = new String(line, 0, lineLen, StandardCharsets.ISO_8859_1);
            byte[] rewritten = DEFINER.matcher(text).replaceAll("DEFINER=CURRENT_USER").getBytes(StandardCharsets.ISO_8859_1);
            emit(rewritten, rewritten.length);
        }
        mode = Line.START;
    }

    /** {@code bytes} go out before anything else; the line buffer is free again once they have (it may be {@code bytes}). */
    private void emit(byte[] bytes, int length) {
        out = bytes;
        outPos = 0;
        outLen = length;
        lineLen = 0;
    }

    private static boolean contains(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1).contains("DEFINER=`");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
