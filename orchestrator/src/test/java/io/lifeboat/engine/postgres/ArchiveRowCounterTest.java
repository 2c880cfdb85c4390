package io.lifeboat.engine.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.testing.ThrowawayPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row counts read from real {@code pg_dump --format=custom --compress=0} archives agree with
 * {@code count(*)} on every table, through whatever chunks the archive arrives in; anything
 * else in the stream makes the counter decline, never guess.
 */
class ArchiveRowCounterTest {

    private static ThrowawayPostgres db;
    private static byte[] archive;

    @BeforeAll
    static void dump() throws Exception {
        db = ThrowawayPostgres.create("archive_rows");
        db.execute("""
                CREATE SCHEMA "Sales Ünïcode";
                CREATE TABLE "Sales Ünïcode"."order.lines" (id int PRIMARY KEY, note text);
                INSERT INTO "Sales Ünïcode"."order.lines"
                  SELECT g, CASE g % 4 WHEN 0 THEN E'two\\nlines' WHEN 1 THEN E'tab\\there \\\\ back' WHEN 2 THEN NULL
                                       ELSE repeat('x', 9000) END FROM generate_series(1, 5000) g;
                CREATE TABLE empty_one (id int);
                -- rows that look like the end-of-data line, last in their table
                CREATE TABLE dots (v text);
                INSERT INTO dots VALUES ('\\.'), (E'\\\\.\\n\\n\\n'), ('.'), ('\\.');
                CREATE TABLE blobs (id int, data bytea);
                INSERT INTO blobs SELECT g, decode(repeat('0a0d5c00ff', g % 50), 'hex') FROM generate_series(1, 777) g;
                CREATE TABLE measurements (at date NOT NULL, v int) PARTITION BY RANGE (at);
                CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                INSERT INTO measurements SELECT date '2025-06-01' + (g % 400), g FROM generate_series(1, 3001) g;
                CREATE TABLE parent (id int);
                CREATE TABLE child (extra text) INHERITS (parent);
                INSERT INTO parent SELECT generate_series(1, 10);
                INSERT INTO child SELECT g, 'c' FROM generate_series(1, 20) g;
                CREATE UNLOGGED TABLE scratch AS SELECT generate_series(1, 42) AS n;
                CREATE MATERIALIZED VIEW big_orders AS SELECT id FROM "Sales Ünïcode"."order.lines" WHERE id > 4000;
                CREATE VIEW just_a_view AS SELECT 1 AS one;
                CREATE SEQUENCE counter_seq;
                SELECT lo_from_bytea(0, decode(repeat('0a', 100000), 'hex'));
                SELECT lo_from_bytea(0, '\\x');
                """);
        archive = pgDump(db.database, "--compress=0");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static byte[] pgDump(String database, String... options) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                PostgresInstallations.discover().newest().tool("pg_dump").toString(),
                "--format=custom", "--no-password", "--host=127.0.0.1", "--port=5432", "--username=postgres"));
        cmd.addAll(List.of(options));
        cmd.add(database);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "pg_dump exited non-zero");
        return out;
    }

    /** count(*) of every plain table, as the database sees it. */
    private static Map<String, Long> countStar() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", ""); Statement st = c.createStatement()) {
            List<String[]> tables = new java.util.ArrayList<>();
            try (ResultSet rs = st.executeQuery("""
                    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')""")) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY \"" + t[0].replace("\"", "\"\"") + "\".\""
                        + t[1].replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    counts.put(t[0] + "." + t[1], rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Reads everything through a counter in reads of the given sizes (cycled). */
    private static ArchiveRowCounter readThrough(byte[] bytes, int... sizes) throws IOException {
        ArchiveRowCounter counter = new ArchiveRowCounter(new ByteArrayInputStream(bytes));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int size = sizes[i++ % sizes.length];
            if (size == 0) {
                int b = counter.read();
                if (b < 0) {
                    break;
                }
                out.write(b);
                continue;
            }
            byte[] buf = new byte[size];
            int n = counter.read(buf, 0, size);
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
        }
        assertArrayEquals(bytes, out.toByteArray(), "the archive passes through unchanged");
        return counter;
    }

    @Test
    void countsWhatCountStarCountsInEveryTable() throws Exception {
        Map<String, Long> expected = countStar();
        assertEquals(5000L, expected.get("Sales Ünïcode.order.lines"));
        assertEquals(0L, expected.get("public.empty_one"));
        assertEquals(4L, expected.get("public.dots"));
        ArchiveRowCounter counter = readThrough(archive, 64 * 1024);
        assertEquals(Optional.empty(), counter.declined());
        assertEquals(expected, new TreeMap<>(counter.counts().orElseThrow()));
    }

    @Test
    void theChunksTheArchiveArrivesInDoNotMatter() throws Exception {
        Map<String, Long> expected = countStar();
        // single bytes (read()), odd sizes that split every integer and name, and random ones
        assertEquals(expected, new TreeMap<>(readThrough(archive, 0, 1, 2, 3, 5, 7, 11, 4093).counts().orElseThrow()));
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        int[] sizes = random.ints(64, 1, 20_000).toArray();
        assertEquals(expected, new TreeMap<>(readThrough(archive, sizes).counts().orElseThrow()));
    }

    @Test
    void aCompressedArchiveIsDeclinedNotGuessed() throws Exception {
        byte[] compressed = pgDump(db.database, "--compress=1");
        ArchiveRowCounter counter = readThrough(compressed, 8192);
        assertEquals(Optional.empty(), counter.counts());
        assertTrue(counter.declined().orElseThrow().contains("compressed"), counter.declined().toString());
    }

    @Test
    void anArchiveVersionItDoesNotKnowIsDeclined() throws Exception {
        byte[] future = archive.clone();
        future[6] = 99; // PGDMP, major, minor
        ArchiveRowCounter counter = readThrough(future, 8192);
        assertEquals(Optional.empty(), counter.counts());
        assertEquals(Optional.of("archive version 1.99.0 is not one lifeboat reads (1.13 to 1.16)"), counter.declined());
    }

    /**
     * An archive that says it is of a version whose entries have more fields than it holds
     * (1.16 adds relkind): read as that version, the table of contents is out of step from its
     * first entry, and the counter must notice rather than count under wrong names.
     */
    @Test
    void aTableOfContentsOutOfStepIsDeclined() throws Exception {
        assertTrue(archive[6] < 16, "this machine's pg_dump writes archive version 1." + archive[6]);
        byte[] misread = archive.clone();
        misread[6] = 16;
        if (archive[6] < 15) {
            // from 1.15 the compression is one byte (0 here), not an integer: keep the header in step
            misread = concat(java.util.Arrays.copyOf(misread, 11), java.util.Arrays.copyOfRange(misread, 11 + 1 + 4 - 1,
                    misread.length));
        }
        ArchiveRowCounter counter = readThrough(misread, 8192);
        assertEquals(Optional.empty(), counter.counts());
        assertTrue(counter.declined().orElseThrow().startsWith("the table of contents does not read as archive version 1.16"),
                counter.declined().toString());
    }

    /**
     * PostgreSQL 16 and 17 write archive versions 1.15 (compression as one byte) and 1.16 (each
     * entry with the relation's kind after its access method); no such pg_dump is installable
     * here, so this machine's archive is rewritten into them, field by field as
     * pg_backup_archiver.c's WriteHead and WriteToc order them, and must count the same.
     */
    @Test
    void archiveVersionsOfPostgreSql16And17AreRead() throws Exception {
        assertEquals(14, archive[6], "this rewrite starts from a 1.14 archive (PostgreSQL 12 to 15)");
        for (int minor : new int[] {15, 16}) {
            byte[] rewritten = rewrite(archive, minor);
            ArchiveRowCounter counter = readThrough(rewritten, 0, 3, 4096);
            assertEquals(Optional.empty(), counter.declined(), "1." + minor);
            assertEquals(countStar(), new TreeMap<>(counter.counts().orElseThrow()), "1." + minor);
        }
    }

    /** A 1.14 archive (integers of 4 bytes, offsets of 8) as version 1.{@code minor}, 15 or 16. */
    private static byte[] rewrite(byte[] a, int minor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = java.util.Arrays.copyOf(a, 11); // magic, version, sizes, format
        head[6] = (byte) minor;
        out.write(head, 0, head.length);
        out.write(0); // compression algorithm: none (was an integer level, 0)
        int p = 11 + 5;
        int headerEnd = p + 7 * 5; // creation time
        for (int i = 0; i < 3; i++) {
            headerEnd = skipString(a, headerEnd);
        }
        int entries = intAt(a, headerEnd);
        headerEnd += 5;
        out.write(a, p, headerEnd - p);
        p = headerEnd;
        for (int e = 0; e < entries; e++) {
            int q = p + 5 + 5; // dump id, had dumper
            q = skipString(a, skipString(a, skipString(a, skipString(a, q)))); // table oid, oid, tag, desc
            q += 5; // section
            for (int i = 0; i < 6; i++) {
                q = skipString(a, q); // defn, drop, copy, namespace, tablespace, table access method
            }
            out.write(a, p, q - p);
            if (minor >= 16) {
                out.write(new byte[] {0, 'r', 0, 0, 0}, 0, 5); // relkind
            }
            p = q;
            q = skipString(a, skipString(a, q)); // owner, with oids
            while (intAt(a, q) >= 0) {
                q = skipString(a, q); // dependencies
            }
            q += 5 + 1 + 8; // the null string that ends them, the offset's flag and bytes
            out.write(a, p, q - p);
            p = q;
        }
        out.write(a, p, a.length - p);
        return out.toByteArray();
    }

    private static int intAt(byte[] a, int p) {
        int v = (a[p + 1] & 0xff) | (a[p + 2] & 0xff) << 8 | (a[p + 3] & 0xff) << 16 | (a[p + 4] & 0xff) << 24;
        return a[p] != 0 ? -v : v;
    }

    private static int skipString(byte[] a, int p) {
        int len = intAt(a, p);
        return p + 5 + Math.max(len, 0);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void notAnArchiveIsDeclined() throws Exception {
        ArchiveRowCounter counter = readThrough("-- a plain SQL dump\n".getBytes(StandardCharsets.UTF_8), 8192);
        assertEquals(Optional.of("not a pg_dump custom-format archive (no PGDMP header)"), counter.declined());
    }

    @Test
    void aTruncatedArchiveHasNoCounts() throws Exception {
        for (int cut : new int[] {3, 200, archive.length / 2, archive.length - 1}) {
            ArchiveRowCounter counter = readThrough(java.util.Arrays.copyOf(archive, cut), 8192);
            assertEquals(Optional.empty(), counter.counts(), "cut at " + cut);
            assertTrue(counter.declined().orElseThrow().startsWith("the archive ended inside its"), counter.declined().toString());
        }
    }

    @Test
    void countsAreNotGivenBeforeTheEnd() throws Exception {
        ArchiveRowCounter counter = new ArchiveRowCounter(new ByteArrayInputStream(archive));
        InputStream in = counter;
        assertEquals(archive.length - 1, in.readNBytes(archive.length - 1).length);
        assertEquals(Optional.empty(), counter.counts());
        assertEquals(Optional.empty(), counter.declined());
    }

    @Test
    void lineBreaksAreCountedExactlyInEveryPositionAndNeighbourhood() {
        // every byte value next to a line break: the eight-at-a-time count must not borrow
        byte[] b = new byte[4096];
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        for (int round = 0; round < 200; round++) {
            long expected = 0;
            for (int i = 0; i < b.length; i++) {
                int v = random.nextInt(8);
                b[i] = (byte) (v == 0 ? '\n' : v == 1 ? 0x0B : v == 2 ? 0x09 : v == 3 ? 0x8A : v == 4 ? 0 : random.nextInt(256));
                if (b[i] == '\n') {
                    expected++;
                }
            }
            int off = random.nextInt(16);
            int len = b.length - off - random.nextInt(16);
            long want = 0;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    want++;
                }
            }
            assertEquals(want, ArchiveRowCounter.lineBreaks(b, off, len), "round " + round);
            assertEquals(expected, ArchiveRowCounter.lineBreaks(b, 0, b.length), "round " + round);
        }
    }
}
