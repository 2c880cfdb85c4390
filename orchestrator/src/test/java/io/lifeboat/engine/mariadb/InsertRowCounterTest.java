package io.lifeboat.engine.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Row counting on dump text in both INSERT layouts, with every awkward value between the rows. */
class InsertRowCounterTest {

    private static Map<String, Long> count(String dump, int chunk) throws IOException {
        byte[] bytes = dump.getBytes(StandardCharsets.UTF_8);
        InsertRowCounter counter = new InsertRowCounter(new ByteArrayInputStream(bytes));
        byte[] buf = new byte[chunk];
        ByteArrayOutputStreamSink out = new ByteArrayOutputStreamSink();
        int n;
        while ((n = counter.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        assertEquals(dump, out.toString(), "the stream passes through unchanged");
        return counter.counts();
    }

    private static final String DUMP = """
            -- MariaDB dump 10.19
            /*!40101 SET NAMES utf8mb4 */;
            DROP TABLE IF EXISTS `t`;
            CREATE TABLE `t` (`a` int, `b` text) ENGINE=InnoDB;
            LOCK TABLES `t` WRITE;
            INSERT INTO `t` VALUES
            (1,'x'),
            (2,'(y\\';),(z'),
            (3,'back\\\\'),
            (4,NULL),
            (5,0x00FF28),
            (6,'line\\nbreak INSERT INTO `t` VALUES (9)');
            UNLOCK TABLES;
            INSERT INTO `we``ird` VALUES (1,'a'),(2,'b');
            INSERT INTO `empty rows` VALUES ();
            DELIMITER ;;
            /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER tr AFTER INSERT ON t FOR EACH ROW BEGIN
            INSERT INTO `t` VALUES (100,'not a row of the dump');
            END */;;
            DELIMITER ;
            INSERT INTO `t` VALUES (7,'after the trigger');
            -- Dump completed
            """;

    @Test
    void countsRowsNotStringsOrTriggerBodies() throws IOException {
        for (int chunk : new int[] {1, 3, 7, 64 * 1024}) {
            assertEquals(Map.of("t", 7L, "we`ird", 2L, "empty rows", 1L), count(DUMP, chunk), "chunk " + chunk);
        }
    }

    @Test
    void onlyWhatARestoreSendsAsDataIsCounted() throws IOException {
        // The counter reads the dump as the two-session restore does (DumpSplitter): a line in
        // the middle of a statement is that statement's, even when it starts like a data
        // statement. Counted as rows, the manifest would promise rows no restore loads.
        String dump = """
                /*!40101 SET NAMES utf8mb4 */;
                INSERT INTO `t` VALUES (1),(2);
                SELECT 'a statement over two lines',
                INSERT INTO `t` VALUES (3);
                INSERT INTO `t` VALUES (4);
                """;
        assertEquals(Map.of("t", 3L), count(dump, 5));
    }

    private static final class ByteArrayOutputStreamSink extends OutputStream {
        private final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();

        @Override
        public void write(int x) {
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            b.write(buf, off, len);
        }

        @Override
        public String toString() {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void singleByteReadsCountToo() throws IOException {
        InputStream in = new InsertRowCounter(new ByteArrayInputStream(DUMP.getBytes(StandardCharsets.UTF_8)));
        InsertRowCounter counter = (InsertRowCounter) in;
        while (in.read() >= 0) {
            // consume
        }
        assertEquals(7L, counter.counts().get("t"));
    }

    /**
     * The chunked fast path and the byte-at-a-time path agree on a dump whose chunk boundaries
     * fall everywhere: inside strings, escapes, hex values, table names and DELIMITER lines.
     */
    @Test
    void everyChunkingCountsTheSame() throws IOException {
        StringBuilder dump = new StringBuilder();
        java.util.Random random = new java.util.Random(42);
        Map<String, Long> expected = new java.util.HashMap<>();
        for (int statement = 0; statement < 200; statement++) {
            if (statement % 50 == 7) {
                dump.append("DELIMITER ;;\nINSERT INTO `t` VALUES (0,'trigger body');;\nDELIMITER ;\n");
            }
            dump.append("INSERT INTO `t").append(statement % 3).append("` VALUES ");
            int rows = 1 + random.nextInt(20);
            expected.merge("t" + statement % 3, (long) rows, Long::sum);
            for (int r = 0; r < rows; r++) {
                dump.append(r == 0 ? "" : random.nextBoolean() ? ",\n" : ",")
                        .append("(").append(r).append(",'o\\'brien (x);\\\\',0x0A28,NULL)");
            }
            dump.append(";\n-- comment (1),(2);\n");
        }
        String text = dump.toString();
        Map<String, Long> bytewise;
        try (InputStream in = new InsertRowCounter(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            while (in.read() >= 0) {
                // consume
            }
            bytewise = ((InsertRowCounter) in).counts();
        }
        for (int chunk : new int[] {1, 2, 5, 13, 101, 4096}) {
            assertEquals(bytewise, count(text, chunk), "chunk " + chunk);
        }
        assertEquals(expected, bytewise);
    }
}
