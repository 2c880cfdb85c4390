package io.lifeboat.engine.mariadb;

import io.lifeboat.drills.mariadb.DumpSplitter;
import io.lifeboat.engine.DumpTap;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts, as the dump streams past, the rows of every {@code INSERT INTO `table` VALUES (…),(…);}
 * that {@code mariadb-dump} writes: the row counts of exactly what the dump holds.
 *
 * <h2>Why count the stream rather than the database</h2>
 * (PostgreSQL's are read from its archive the same way, {@code ArchiveRowCounter}, though there a
 * second connection could count in the dump's exported snapshot.) MariaDB cannot hand
 * a snapshot to another session: {@code mariadb-dump --single-transaction} opens its own
 * {@code START TRANSACTION WITH CONSISTENT SNAPSHOT}, and a counting connection that opens one
 * too, before or after, sees the database at another moment: every commit between the two
 * snapshots makes the manifest disagree with the dump, and a drill with the default exact
 * row-count tolerance would fail a perfectly good backup of a busy database. Making the two
 * moments one would need {@code FLUSH TABLES WITH READ LOCK} around both starts, which stalls
 * production writes behind any long query. The dump's own rows, counted as they pass, need no
 * second snapshot and no lock, and cannot disagree with what a restore loads.
 *
 * <h2>What is counted</h2>
 * The rows of every data statement, as the drills' {@link DumpSplitter} reads a dump to restore
 * it on two sessions: one reading of the dump's grammar for both, so what a backup counts and
 * what a restore sends as data cannot disagree. {@code mariadb-dump} starts each data statement
 * on a line of its own with {@code INSERT INTO `table` VALUES}, followed by the rows (MariaDB
 * 10.11 puts each on its own line, older versions and MySQL all on the first) up to a {@code ;};
 * line breaks inside values are escaped ({@code \n}), strings single-quoted with {@code \'} and
 * {@code \\} escapes, binary values written as {@code 0x…} ({@code --hex-blob}). A row is a
 * {@code (} at parenthesis depth 0 outside a string. Lines between {@code DELIMITER ;;} and
 * {@code DELIMITER ;} are trigger, routine and event bodies and are never counted, whatever they
 * contain. Memory is constant: nothing but the first bytes of a line and the table name is kept.
 */
final class InsertRowCounter extends DumpTap implements DumpSplitter.Route {

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final DumpSplitter splitter = DumpSplitter.pushedTo(this);
    private String table;

    InsertRowCounter(InputStream in) {
        super(in);
    }

    /** Rows per table seen so far; complete once the stream has been read to its end. */
    synchronized Map<String, Long> counts() {
        return Map.copyOf(counts);
    }

    @Override
    protected void accept(byte[] b, int off, int end) {
        splitter.accept(b, off, end - off);
    }

    @Override
    protected void ended() {
        splitter.finish();
    }

    @Override
    public void insertBegin(String name) {
        table = name;
        counts.putIfAbsent(name, 0L);
    }

    @Override
    public void rows(long n) {
        counts.merge(table, n, Long::sum);
    }

    // What the restore needs besides the rows, the counter does not.

    @Override
    public void header(byte[] b, int off, int len) {
    }

    @Override
    public void other(byte[] b, int off, int len) {
    }

    @Override
    public void insert(byte[] b, int off, int len) {
    }

    @Override
    public void insertEnd() {
    }

    @Override
    public void serialOnly() {
    }

    @Override
    public boolean abandoned() {
        return false;
    }
}
