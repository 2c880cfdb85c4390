package io.lifeboat.drills.mariadb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a {@code mariadb-dump} script, as it streams, into what can run on two client sessions at
 * once ({@link TwoClientRestore}) and what must run in order on one: the session header, each
 * data statement ({@code INSERT INTO `t` VALUES …;}) and everything else. Nothing is held but the
 * first bytes of a line: data is handed on as it is read, so memory stays flat whatever the size
 * of a statement.
 *
 * <h2>The grammar relied on</h2>
 * {@code mariadb-dump} starts each data statement on a line of its own with {@code INSERT INTO
 * `table` VALUES}, rows on the following lines (10.11) or the same line (older versions, MySQL),
 * up to a {@code ;} at parenthesis depth 0 outside a string; strings are single-quoted with
 * backslash escapes, line breaks in values are escaped. Lines between {@code DELIMITER ;;} and
 * {@code DELIMITER ;} are trigger, routine and event bodies: never data, whatever they hold. An
 * INSERT is recognised only where a statement starts (the line before ended with {@code ;}), so a
 * line inside a longer statement is never taken for one.
 *
 * <h2>What goes where</h2>
 * <ul>
 *   <li>{@link Route#header}: the {@code /*!40101 SET … *}{@code /;} lines before the first table
 *       (character set, time zone, unique and foreign key checks, SQL mode): every session needs
 *       them. A dump without them is restored on one session ({@link Route#serialOnly}).</li>
 *   <li>{@link Route#insertBegin}, {@link Route#insert}, {@link Route#insertEnd}: one data
 *       statement, with the rest of its last line.</li>
 *   <li>{@code LOCK TABLES … WRITE;} and {@code UNLOCK TABLES;} are dropped: see
 *       {@link TwoClientRestore} for why.</li>
 *   <li>Comment and blank lines between statements are dropped: they do nothing.</li>
 *   <li>{@link Route#other}: everything else, line by line, in order.</li>
 * </ul>
 * The rows of each data statement are counted on the way ({@link Route#rows}): the backup's
 * row counts per table (the orchestrator's {@code InsertRowCounter}) come from this same reading
 * of the dump, so what a backup counts and what a restore sends as data cannot disagree.
 */
public final class DumpSplitter {

    /** Where the pieces go; a route that fails keeps accepting (and discarding) what follows. */
    public interface Route {
        void header(byte[] b, int off, int len);

        void other(byte[] b, int off, int len);

        /**
         * A data statement begins; its bytes, from {@code INSERT INTO `} on, follow through
         * {@link #insert}.
         *
         * @param table the table it fills, as named in the dump (doubled backquotes undone); a
         *              dump cut inside the name gives what there was of it
         */
        void insertBegin(String table);

        void insert(byte[] b, int off, int len);

        void insertEnd();

        /**
         * {@code n} more rows of the data statement begun last: a row is a {@code (} at
         * parenthesis depth 0 outside a string. Said as the rows pass, a chunk at a time.
         */
        default void rows(long n) {
        }

        /** The dump cannot be split safely (no session header, or a statement switching databases): one session only. */
        void serialOnly();

        /** True once the restore was given up (deadline, interrupt): the rest of the dump is then not read. */
        boolean abandoned();
    }

    /** How many first bytes of a line decide what it is; every line recognised by its whole text is shorter. */
    private static final int HEAD = 32;
    private static final byte[] INSERT = ascii("INSERT INTO `");
    private static final byte[] LOCK = ascii("LOCK TABLES ");

    private enum Mode {
        /** Collecting the first bytes of a line into {@link #head}. */
        HEAD,
        /** Passing the rest of a line to {@link #lineRoute}. */
        LINE,
        /** The prefix {@code INSERT INTO `} of a data statement. */
        INSERT_PREFIX,
        /** The table name, up to its closing backquote. */
        INSERT_NAME,
        /** A backquote in the name: doubled, or the end of the name. */
        INSERT_NAME_QUOTE,
        /** The rows, up to the {@code ;} at depth 0 outside a string. */
        INSERT_ROWS,
        /** {@code LOCK TABLES …} up to its {@code ;} outside backquotes. */
        LOCK,
        /** A backquoted name inside {@code LOCK TABLES}. */
        LOCK_NAME
    }

    private enum LineRoute { HEADER, OTHER, INSERT, DROP }

    /** The only bytes of rows that change the state: everything else is passed without a look. */
    private static final boolean[] SPECIAL = new boolean[256];

    static {
        for (char c : "'\\();".toCharArray()) {
            SPECIAL[c] = true;
        }
    }

    private final Route route;
    private final byte[] head = new byte[HEAD];
    private int headLen;
    private Mode mode = Mode.HEAD;
    private LineRoute lineRoute;
    /** Whether the line being passed ends a statement if its last byte that is not blank is {@code ;}. */
    private boolean lineCounts;
    private byte lastNonBlank;
    private boolean inHeader = true;
    private boolean headerHadSet;
    private boolean inBlock;
    private boolean atStatementStart = true;
    private boolean serialOnly;
    private int prefixLeft;
    /**
     * The statement's bytes up to the end of the table's name, held back until the name is
     * known: the route chooses where a statement goes by its table (a table's first INSERT runs
     * alone, see TwoClientRestore). At most the prefix and a 64-character name, quoted.
     */
    private final ByteArrayOutputStream statementStart = new ByteArrayOutputStream(INSERT.length + 130);
    private int depth;
    private boolean inString;
    private boolean escaped;

    private DumpSplitter(Route route) {
        this.route = route;
    }

    /** A splitter fed by {@link #accept} as the dump passes, for a reader that is not the splitter's own. */
    public static DumpSplitter pushedTo(Route route) {
        return new DumpSplitter(route);
    }

    /** The next bytes of the dump. */
    public void accept(byte[] b, int off, int len) {
        scan(b, off, off + len);
    }

    /** The dump ended. */
    public void finish() {
        end();
    }

    /**
     * Reads {@code dump} to its end (or until the route is {@linkplain Route#abandoned abandoned})
     * and hands every piece to {@code route}.
     *
     * @throws IOException only what reading {@code dump} threw
     */
    static void split(InputStream dump, Route route) throws IOException {
        DumpSplitter s = new DumpSplitter(route);
        byte[] buf = new byte[256 * 1024];
        for (int n = dump.read(buf); n >= 0; n = dump.read(buf)) {
            s.scan(buf, 0, n);
            if (route.abandoned()) {
                return;
            }
        }
        s.end();
    }

    private void scan(byte[] b, int from, int end) {
        int i = from;
        while (i < end) {
            switch (mode) {
                case HEAD -> {
                    byte c = b[i++];
                    head[headLen++] = c;
                    if (c == '\n' || headLen == HEAD) {
                        classify();
                    }
                }
                case LINE -> i = line(b, i, end);
                case INSERT_PREFIX -> {
                    int n = Math.min(prefixLeft, end - i);
                    statementStart.write(b, i, n);
                    prefixLeft -= n;
                    i += n;
                    if (prefixLeft == 0) {
                        mode = Mode.INSERT_NAME;
                    }
                }
                case INSERT_NAME, INSERT_NAME_QUOTE -> {
                    byte c = b[i];
                    if (mode == Mode.INSERT_NAME_QUOTE && c != '`') {
                        beginInsert();
                        mode = Mode.INSERT_ROWS; // the name ended; this byte is the statement's
                        depth = 0;
                        inString = false;
                        escaped = false;
                        continue;
                    }
                    mode = c == '`' && mode == Mode.INSERT_NAME ? Mode.INSERT_NAME_QUOTE : Mode.INSERT_NAME;
                    statementStart.write(b[i++]);
                }
                case INSERT_ROWS -> i = rows(b, i, end);
                case LOCK, LOCK_NAME -> {
                    byte c = b[i++];
                    if (c == '`') {
                        mode = mode == Mode.LOCK ? Mode.LOCK_NAME : Mode.LOCK;
                    } else if (c == ';' && mode == Mode.LOCK) {
                        startLine(LineRoute.DROP, true);
                        lastNonBlank = ';';
                    }
                }
            }
        }
    }

    /** Passes the rest of a line; returns where it stopped. */
    private int line(byte[] b, int from, int end) {
        int nl = from;
        while (nl < end && b[nl] != '\n') {
            byte c = b[nl];
            if (c != ' ' && c != '\t' && c != '\r') {
                lastNonBlank = c;
            }
            nl++;
        }
        boolean lineEnds = nl < end;
        int stop = lineEnds ? nl + 1 : nl;
        emit(lineRoute, b, from, stop - from);
        if (lineEnds) {
            endLine();
        }
        return stop;
    }

    private void endLine() {
        if (lineRoute == LineRoute.INSERT) {
            route.insertEnd();
        }
        if (lineCounts) {
            atStatementStart = lastNonBlank == ';';
        }
        mode = Mode.HEAD;
        headLen = 0;
    }

    private void emit(LineRoute r, byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        switch (r) {
            case HEADER -> route.header(b, off, len);
            case OTHER -> route.other(b, off, len);
            case INSERT -> route.insert(b, off, len);
            case DROP -> {
                // nothing: see the class comment
            }
        }
    }

    /** The rows of an INSERT over a chunk; returns where it stopped: the chunk's end or just after the closing {@code ;}. */
    private int rows(byte[] b, int from, int end) {
        int d = depth;
        boolean str = inString;
        boolean esc = escaped;
        long rows = 0;
        int i = from;
        try {
            while (i < end) {
                if (esc) {
                    esc = false; // the byte after a backslash, whatever it is
                    i++;
                    continue;
                }
                while (i < end && !SPECIAL[b[i] & 0xff]) {
                    i++;
                }
                if (i == end) {
                    break;
                }
                byte c = b[i++];
                if (str) {
                    if (c == '\\') {
                        esc = true;
                    } else if (c == '\'') {
                        str = false;
                    }
                } else if (c == '\'') {
                    str = true;
                } else if (c == '(') {
                    if (d++ == 0) {
                        rows++;
                    }
                } else if (c == ')') {
                    d--;
                } else if (c == ';' && d == 0) {
                    route.insert(b, from, i - from);
                    // the rest of the line (its line break) goes with the statement
                    startLine(LineRoute.INSERT, true);
                    lastNonBlank = ';';
                    return i;
                }
            }
            route.insert(b, from, i - from);
            return i;
        } finally {
            depth = d;
            inString = str;
            escaped = esc;
            if (rows > 0) {
                route.rows(rows);
            }
        }
    }

    private void startLine(LineRoute r, boolean counts) {
        mode = Mode.LINE;
        lineRoute = r;
        lineCounts = counts;
        lastNonBlank = 0;
    }

    /** Decides what the line whose first bytes are in {@link #head} is, and passes them on. */
    private void classify() {
        byte[] h = Arrays.copyOf(head, headLen);
        headLen = 0;
        boolean whole = h[h.length - 1] == '\n';
        String text = new String(h, StandardCharsets.ISO_8859_1);
        String line = whole ? text.strip() : null;
        if (inBlock) {
            if ("DELIMITER ;".equals(line)) {
                inBlock = false;
            }
            passLine(LineRoute.OTHER, false, h);
            return;
        }
        if (atStatementStart && (text.startsWith("--") || (whole && line.isEmpty()))) {
            if (inHeader && headerHadSet) {
                inHeader = false; // the blank line or comment after the SET lines ends the header
            }
            passLine(LineRoute.DROP, false, h);
            return;
        }
        if (inHeader && atStatementStart && (text.startsWith("/*M!") || isHeaderSet(text))) {
            headerHadSet |= isHeaderSet(text);
            // "/*M!999999\- enable the sandbox mode */" is a client command, not a statement ending in ';'
            passLine(LineRoute.HEADER, !text.startsWith("/*M!"), h);
            return;
        }
        if (inHeader) {
            inHeader = false;
            if (!headerHadSet) {
                serialOnly();
            }
        }
        if (atStatementStart && startsWith(h, INSERT)) {
            statementStart.reset();
            mode = Mode.INSERT_PREFIX;
            prefixLeft = INSERT.length;
            scan(h, 0, h.length);
            return;
        }
        if (atStatementStart && startsWith(h, LOCK)) {
            mode = Mode.LOCK;
            scan(h, LOCK.length, h.length);
            return;
        }
        if (atStatementStart && "UNLOCK TABLES;".equals(line)) {
            passLine(LineRoute.DROP, true, h);
            return;
        }
        if ("DELIMITER ;;".equals(line)) {
            inBlock = true;
        } else if (atStatementStart && (text.startsWith("USE ") || text.startsWith("CREATE DATABASE"))) {
            // the INSERTs that follow are for another database than the second session's
            serialOnly();
        }
        passLine(LineRoute.OTHER, true, h);
    }

    private void serialOnly() {
        if (!serialOnly) {
            serialOnly = true;
            route.serialOnly();
        }
    }

    private void passLine(LineRoute r, boolean counts, byte[] h) {
        startLine(r, counts);
        scan(h, 0, h.length);
    }

    /** A line of the session header: {@code /*!40101 SET …}. */
    private static boolean isHeaderSet(String text) {
        if (!text.startsWith("/*!")) {
            return false;
        }
        int i = 3;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        return i > 3 && text.startsWith(" SET ", i);
    }

    /** The table's name is complete (or the dump ended inside it): the statement begins. */
    private void beginInsert() {
        byte[] start = statementStart.toByteArray();
        int nameEnd = mode == Mode.INSERT_NAME_QUOTE ? start.length - 1 : start.length;
        int nameStart = Math.min(INSERT.length, start.length);
        String quoted = new String(start, nameStart, Math.max(0, nameEnd - nameStart), StandardCharsets.UTF_8);
        route.insertBegin(quoted.replace("``", "`"));
        route.insert(start, 0, start.length);
    }

    /** The dump ended: a last line without a line break is passed on. */
    private void end() {
        if (mode == Mode.INSERT_PREFIX || mode == Mode.INSERT_NAME || mode == Mode.INSERT_NAME_QUOTE) {
            beginInsert();   // cut inside the name: the client gets what there was, and fails on it
        }
        if (mode == Mode.HEAD && headLen > 0) {
            byte[] h = Arrays.copyOf(head, headLen);
            headLen = 0;
            // too short to classify by its whole text; a statement in it is not a complete one anyway
            startLine(inHeader ? LineRoute.HEADER : LineRoute.OTHER, true);
            scan(h, 0, h.length);
        }
        if (mode == Mode.LINE && lineRoute == LineRoute.INSERT) {
            route.insertEnd();
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
