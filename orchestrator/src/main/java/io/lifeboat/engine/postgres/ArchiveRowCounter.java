package io.lifeboat.engine.postgres;

import io.lifeboat.engine.DumpTap;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts, as {@code pg_dump --format=custom --compress=0} streams past, the rows of every table
 * whose data the archive holds: the row counts of exactly what the dump holds, read from the
 * dump itself, so that the source database scans each table once (for pg_dump), not twice.
 *
 * <h2>The archive, as far as counting needs it</h2>
 * (pg_dump's {@code pg_backup_archiver.c} and {@code pg_backup_custom.c}, archive versions 1.13
 * to 1.16: PostgreSQL 10.3 to 17.) A header ({@code PGDMP}, version, integer and offset sizes,
 * format, compression, creation time, database and versions), then the table of contents: one
 * entry per object, each with its dump id, description ({@code TABLE DATA} for a table's rows),
 * tag (the table's name) and namespace (its schema). Then the data blocks in dump order: a
 * block type byte (1 data, 3 large objects) and the entry's dump id, then length-prefixed
 * chunks up to a chunk of length 0. Integers are a sign byte and {@code intSize} bytes, least
 * significant first; strings a length (-1 for none) and that many bytes. A table's data is its
 * {@code COPY ... TO STDOUT} text, where every row ends in a line break and line breaks inside
 * values are escaped ({@code \n}), so its rows are its line-break bytes, less the three of the
 * end-of-data line and two empty ones that pg_dump writes after them. Large objects' blocks pass
 * uncounted.
 *
 * <h2>When it cannot count</h2>
 * Anything it does not know (another format or archive version, compressed data, an entry
 * encoding that is not UTF-8, a block of an unknown type, a table whose block never came) makes it
 * stop looking and say why ({@link #declined()}); the bytes still pass unchanged, and the dump
 * session counts in the dump's snapshot instead. Nothing but the table of contents' names is
 * kept: memory does not grow with the data.
 */
final class ArchiveRowCounter extends DumpTap {

    private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_CUSTOM = 1;
    private static final int MIN_VERSION = version(1, 13);
    private static final int MAX_VERSION = version(1, 16);
    private static final int BLOCK_DATA = 1;
    private static final int BLOCK_LARGE_OBJECTS = 3;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    /** What pg_dump writes after a table's rows (pg_dump.c, dumpTableData_copy): not rows. */
    private static final byte[] END_OF_DATA = "\\.\n\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final int END_OF_DATA_LINE_BREAKS = (int) lineBreaks(END_OF_DATA, 0, END_OF_DATA.length);

    private enum Phase { HEADER, TOC, BLOCK, CHUNK_LENGTH, CHUNK, LO_OID, LO_CHUNK_LENGTH, LO_CHUNK, DECLINED }

    private Phase phase = Phase.HEADER;
    private Optional<String> declined = Optional.empty();
    private boolean ended;

    // header
    private int version;
    private int intSize;
    private int offSize;
    private int tocEntries = -1;

    /** Table of contents bytes not yet parsed (an entry at most, or the header). */
    private byte[] pending = new byte[8192];
    private int pendingLength;

    /** dump id → "schema.table" of each TABLE DATA entry; removed as its block ends. */
    private final Map<Integer, String> tableData = new HashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    // data blocks
    private final byte[] small = new byte[1 + 1 + 8];
    private int smallLength;
    private String table; // the block's table, null while skipping a block that is not a table's
    private long rows;
    private long chunkLeft;
    /** The last bytes of the table's data so far, and how many there were in all. */
    private final byte[] tail = new byte[END_OF_DATA.length + 1];
    private long dataBytes;

    ArchiveRowCounter(InputStream in) {
        super(in);
    }

    private static int version(int major, int minor) {
        return (major * 256 + minor) * 256;
    }

    /**
     * Rows per table ({@code schema.table}), once the stream was read to its end and every
     * table's block was seen; empty before, or when it declined.
     */
    synchronized Optional<Map<String, Long>> counts() {
        return ended && declined().isEmpty() ? Optional.of(Map.copyOf(counts)) : Optional.empty();
    }

    /** Why it stopped counting, or, once the stream ended, why it has no counts. */
    synchronized Optional<String> declined() {
        if (declined.isPresent() || !ended) {
            return declined;
        }
        if (phase != Phase.BLOCK || smallLength > 0) {
            return Optional.of("the archive ended inside its " + (phase == Phase.HEADER || phase == Phase.TOC
                    ? "table of contents" : "data") + " (pg_dump did not finish it)");
        }
        return Optional.empty();
    }

    @Override
    protected void accept(byte[] b, int off, int end) {
        feed(b, off, end);
    }

    @Override
    protected void ended() {
        ended = true;
        if (declined.isEmpty() && phase == Phase.BLOCK && smallLength == 0 && !tableData.isEmpty()) {
            decline("the archive has no data block for " + tableData.size() + " table(s), e.g. "
                    + tableData.values().iterator().next());
        }
    }

    private void decline(String why) {
        if (declined.isEmpty()) {
            declined = Optional.of(why);
            phase = Phase.DECLINED;
            pending = null;
            tableData.clear();
        }
    }

    // --- the bytes -----------------------------------------------------------------------------

    private void feed(byte[] b, int off, int end) {
        while (off < end) {
            switch (phase) {
                case DECLINED -> {
                    return;
                }
                case HEADER, TOC -> off = structure(b, off, end);
                case BLOCK -> off = blockHeader(b, off, end);
                case CHUNK_LENGTH -> off = integer(b, wholeChunks(b, off, end), end);
                case LO_OID, LO_CHUNK_LENGTH -> off = integer(b, off, end);
                case CHUNK, LO_CHUNK -> {
                    int n = (int) Math.min(chunkLeft, end - off);
                    if (phase == Phase.CHUNK && table != null) {
                        rows += lineBreaks(b, off, n);
                        remember(b, off, n);
                    }
                    chunkLeft -= n;
                    off += n;
                    if (chunkLeft == 0) {
                        phase = phase == Phase.CHUNK ? Phase.CHUNK_LENGTH : Phase.LO_CHUNK_LENGTH;
                    }
                }
            }
        }
    }

    /** Header and table of contents: gathered, then parsed an entry at a time. */
    private int structure(byte[] b, int off, int end) {
        int n = end - off;
        if (pendingLength + n > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + n));
        }
        System.arraycopy(b, off, pending, pendingLength, n);
        pendingLength += n;
        Cursor c = new Cursor(pending, pendingLength);
        int consumed = 0;
        try {
            while (phase == Phase.HEADER || phase == Phase.TOC) {
                if (phase == Phase.HEADER) {
                    header(c);
                    phase = Phase.TOC;
                } else if (tocEntries == 0) {
                    phase = Phase.BLOCK;
                } else {
                    entry(c);
                    tocEntries--;
                }
                consumed = c.pos;
            }
        } catch (NeedMore e) {
            // keep what is unparsed for the next bytes
        } catch (Unreadable e) {
            decline(e.getMessage());
            return end;
        }
        int left = pendingLength - consumed;
        if (phase == Phase.HEADER || phase == Phase.TOC) {
            System.arraycopy(pending, consumed, pending, 0, left);
            pendingLength = left;
            return end;
        }
        // The table of contents ended inside these bytes; the rest (a suffix of them: what was
        // gathered before could not complete it) are data blocks.
        pending = null;
        pendingLength = 0;
        return end - left;
    }

    private void header(Cursor c) {
        byte[] magic = c.bytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new Unreadable("not a pg_dump custom-format archive (no PGDMP header)");
        }
        int major = c.u8();
        int minor = c.u8();
        int rev = c.u8();
        version = (major * 256 + minor) * 256 + rev;
        if (version < MIN_VERSION || version > MAX_VERSION + 255) {
            throw new Unreadable("archive version " + major + "." + minor + "." + rev + " is not one lifeboat reads (1.13 to 1.16)");
        }
        intSize = c.u8();
        offSize = c.u8();
        if (intSize < 1 || intSize > 8 || offSize < 1 || offSize > 8) {
            throw new Unreadable("integer size " + intSize + " / offset size " + offSize + " out of range");
        }
        int format = c.u8();
        if (format != FORMAT_CUSTOM) {
            throw new Unreadable("archive format " + format + " is not custom (" + FORMAT_CUSTOM + ")");
        }
        if (version >= version(1, 15)) {
            int algorithm = c.u8();
            if (algorithm != 0) {
                throw new Unreadable("the archive's data is compressed (algorithm " + algorithm + ")");
            }
        } else {
            long level = c.integer();
            if (level != 0) {
                throw new Unreadable("the archive's data is compressed (level " + level + ")");
            }
        }
        for (int i = 0; i < 7; i++) {
            c.integer(); // creation time: seconds to daylight saving flag
        }
        c.skipString(); // database
        c.skipString(); // server version
        c.skipString(); // pg_dump version
        long entries = c.integer();
        if (entries < 0 || entries > Integer.MAX_VALUE) {
            throw new Unreadable("table of contents of " + entries + " entries");
        }
        tocEntries = (int) entries;
    }

    private void entry(Cursor c) {
        long dumpId = c.integer();
        long hadDumper = c.integer();
        c.skipString(); // table oid
        c.skipString(); // oid
        String tag = c.string();
        String desc = c.string();
        long section = c.integer();
        // (only the encoding's definition is read; functions' bodies and the like are passed)
        String defn = null;
        if ("ENCODING".equals(desc)) {
            defn = c.string();
        } else {
            c.skipString();
        }
        c.skipString(); // drop statement
        c.skipString(); // copy statement
        String namespace = c.string();
        c.skipString(); // tablespace
        if (version >= version(1, 14)) {
            c.skipString(); // table access method
        }
        if (version >= version(1, 16)) {
            c.integer(); // relkind
        }
        c.skipString(); // owner
        String withOids = c.string(); // always "false" since PostgreSQL 12
        while (c.skipString()) {
            // dependencies, up to a null string
        }
        int flag = c.u8(); // custom format: the data's offset (not set when written to a pipe)
        c.bytes(offSize);
        // Fields whose values are known: a table of contents read out of step (a version whose
        // entries differ from what is read here) fails these at its first entry.
        if ((hadDumper != 0 && hadDumper != 1) || section < 1 || section > 4 || !"false".equals(withOids)
                || flag < 1 || flag > 3) {
            throw new Unreadable("the table of contents does not read as archive version " + (version >> 16) + "."
                    + ((version >> 8) & 0xff) + " (dump id " + dumpId + ")");
        }
        if ("ENCODING".equals(desc) && (defn == null || !defn.contains("'UTF8'"))) {
            throw new Unreadable("the archive's encoding is not UTF-8 (" + defn + ")");
        }
        if ("TABLE DATA".equals(desc)) {
            if (tag == null || namespace == null || dumpId <= 0 || dumpId > Integer.MAX_VALUE) {
                throw new Unreadable("a TABLE DATA entry without a name or schema (dump id " + dumpId + ")");
            }
            tableData.put((int) dumpId, namespace + "." + tag);
        }
    }

    /** A block's type and dump id. */
    private int blockHeader(byte[] b, int off, int end) {
        int need = 1 + 1 + intSize;
        off = gather(b, off, end, need);
        if (smallLength < need) {
            return off;
        }
        smallLength = 0;
        int type = small[0] & 0xff;
        long id = integerAt(small, 1);
        if (type == BLOCK_DATA) {
            // (null: the data of an entry that is not a table's, passed uncounted)
            table = tableData.remove((int) id);
            rows = 0;
            dataBytes = 0;
            phase = Phase.CHUNK_LENGTH;
        } else if (type == BLOCK_LARGE_OBJECTS) {
            table = null;
            phase = Phase.LO_OID;
        } else {
            decline("data block of type " + type + " (dump id " + id + ")");
            return end;
        }
        return off;
    }

    /**
     * The chunks of a table's data that lie wholly in {@code b[off, end)}, without a step of the
     * state machine for each: pg_dump writes a chunk per row, so this is the loop that runs once
     * per row. Returns where a chunk (or the block's end) begins that the general path takes.
     */
    private int wholeChunks(byte[] b, int off, int end) {
        int header = 1 + intSize;
        while (smallLength == 0 && end - off >= header) {
            long len = integerAt(b, off);
            if (len <= 0 || len > end - off - header) {
                break;
            }
            int from = off + header;
            if (table != null) {
                rows += lineBreaks(b, from, (int) len);
                remember(b, from, (int) len);
            }
            off = from + (int) len;
        }
        return off;
    }

    /** A chunk's length, or a large object's oid. */
    private int integer(byte[] b, int off, int end) {
        int need = 1 + intSize;
        off = gather(b, off, end, need);
        if (smallLength < need) {
            return off;
        }
        smallLength = 0;
        long v = integerAt(small, 0);
        switch (phase) {
            case LO_OID -> phase = v == 0 ? Phase.BLOCK : Phase.LO_CHUNK_LENGTH;
            case CHUNK_LENGTH, LO_CHUNK_LENGTH -> {
                boolean tableData = phase == Phase.CHUNK_LENGTH;
                if (v < 0) {
                    decline((tableData ? "a data chunk" : "a large object chunk") + " of length " + v);
                    return end;
                }
                if (v > 0) {
                    chunkLeft = v;
                    phase = tableData ? Phase.CHUNK : Phase.LO_CHUNK;
                } else if (tableData) { // the block's end
                    if (table != null) {
                        counts.merge(table, rows - endOfDataLineBreaks(), Long::sum);
                    }
                    phase = Phase.BLOCK;
                } else { // the large object's end
                    phase = Phase.LO_OID;
                }
            }
            default -> throw new IllegalStateException(phase.name());
        }
        return off;
    }

    private void remember(byte[] b, int off, int n) {
        int keep = tail.length;
        if (n >= keep) {
            System.arraycopy(b, off + n - keep, tail, 0, keep);
        } else {
            System.arraycopy(tail, n, tail, 0, keep - n);
            System.arraycopy(b, off, tail, keep - n, n);
        }
        dataBytes += n;
    }

    /**
     * The line breaks of the end-of-data marker, if the table's data ends with it: a line of its
     * own ({@code \.}, which no row can be: COPY doubles a backslash in a value) and two empty
     * lines. Archives without it (should pg_dump ever stop writing it) have nothing to subtract.
     */
    private int endOfDataLineBreaks() {
        int m = END_OF_DATA.length;
        if (dataBytes < m || !Arrays.equals(tail, 1, 1 + m, END_OF_DATA, 0, m)) {
            return 0;
        }
        return dataBytes == m || tail[0] == '\n' ? END_OF_DATA_LINE_BREAKS : 0;
    }

    private int gather(byte[] b, int off, int end, int need) {
        int n = Math.min(need - smallLength, end - off);
        System.arraycopy(b, off, small, smallLength, n);
        smallLength += n;
        return off + n;
    }

    private long integerAt(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < intSize; i++) {
            v |= (long) (b[at + 1 + i] & 0xff) << (8 * i);
        }
        return b[at] != 0 ? -v : v;
    }

    /** The line-break bytes in {@code b[off, off + len)}, eight at a time. */
    static long lineBreaks(byte[] b, int off, int len) {
        long n = 0;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES; // a line break is now a zero byte
            // the high bit of each byte that is zero, exactly (no borrow between bytes)
            long zero = ~(((x & LOW7) + LOW7) | x | LOW7);
            n += Long.bitCount(zero);
        }
        for (; i < end; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    // --- parsing gathered table-of-contents bytes ------------------------------------------------

    /** Not enough bytes yet for the item being parsed. */
    private static final class NeedMore extends RuntimeException {
        NeedMore() {
            super(null, null, false, false);
        }
    }

    /** Something the counter does not read. */
    private static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private static final NeedMore NEED_MORE = new NeedMore();

    private final class Cursor {
        private final byte[] b;
        private final int end;
        int pos;

        Cursor(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        private void need(long n) {
            if (end - pos < n) {
                throw NEED_MORE;
            }
        }

        int u8() {
            need(1);
            return b[pos++] & 0xff;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] r = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return r;
        }

        long integer() {
            need(1L + intSize);
            long v = integerAt(b, pos);
            pos += 1 + intSize;
            return v;
        }

        String string() {
            int start = pos;
            if (!skipString()) {
                return null;
            }
            int from = start + 1 + intSize;
            return new String(b, from, pos - from, StandardCharsets.UTF_8);
        }

        /** Passes a string without decoding it; false for the null string. */
        boolean skipString() {
            long len = integer();
            if (len < 0) {
                return false;
            }
            if (len > 1L << 30) {
                throw new Unreadable("a string of " + len + " bytes in the table of contents");
            }
            need(len);
            pos += (int) len;
            return true;
        }
    }
}
