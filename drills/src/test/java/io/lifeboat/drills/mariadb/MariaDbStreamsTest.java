package io.lifeboat.drills.mariadb;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The MariaDB client's XML output read back exactly, and the definer rewrite leaving data alone. */
class MariaDbStreamsTest {

    @Test
    void xmlDistinguishesNullFromTheStringNullAndKeepsEveryCharacter() throws IOException {
        String out = """
                <?xml version="1.0"?>

                <resultset statement="SET @a=1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></resultset>
                <?xml version="1.0"?>

                <resultset statement="SELECT NULL, 'NULL', ... &lt;x&gt;" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <row>
                	<field name="a" xsi:nil="true" />
                	<field name="b">NULL</field>
                	<field name="c">x
                y	z</field>
                	<field name="d"></field>
                	<field name="e">a&lt;b&gt;&amp;&quot;c&#39;</field>
                	<field name="f">\u0001\u00ff</field>
                  </row>
                  <row>
                	<field name="a">2</field>
                  </row>
                </resultset>
                """;
        List<List<Optional<String>>> rows = new ArrayList<>();
        int[] sets = {0};
        XmlRows.read(new StringReader(out), new XmlRows.Listener() {
            @Override
            public void resultSet() {
                sets[0]++;
            }

            @Override
            public void row(List<Optional<String>> values) {
                rows.add(values);
            }
        });
        assertEquals(2, sets[0]);
        assertEquals(List.of(Optional.empty(), Optional.of("NULL"), Optional.of("x\ny\tz"), Optional.of(""),
                Optional.of("a<b>&\"c'"), Optional.of("\u0001\u00ff")), rows.get(0));
        assertEquals(List.of(Optional.of("2")), rows.get(1));
    }

    private static String rewrite(String dump) throws IOException {
        return new String(new DefinerRewrite(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8))).readAllBytes(),
                StandardCharsets.UTF_8);
    }

    @Test
    void definersOfDefinitionsBecomeTheSandboxLoginNeverInData() throws IOException {
        String dump = """
                /*!50013 DEFINER=`shop`@`%` SQL SECURITY DEFINER */
                /*!50003 CREATE*/ /*!50017 DEFINER=`we``ird`@`10.0.0.%`*/ /*!50003 TRIGGER t AFTER INSERT ON o FOR EACH ROW SET @x = 1 */;;
                CREATE DEFINER=`shop`@`localhost` FUNCTION `f`() RETURNS int RETURN 1 ;;
                INSERT INTO `notes` VALUES (1,'DEFINER=`shop`@`%`'),
                (2,'DEFINER=`shop`@`%` \uD83D\uDEA2');
                """;
        assertEquals("""
                /*!50013 DEFINER=CURRENT_USER SQL SECURITY DEFINER */
                /*!50003 CREATE*/ /*!50017 DEFINER=CURRENT_USER*/ /*!50003 TRIGGER t AFTER INSERT ON o FOR EACH ROW SET @x = 1 */;;
                CREATE DEFINER=CURRENT_USER FUNCTION `f`() RETURNS int RETURN 1 ;;
                INSERT INTO `notes` VALUES (1,'DEFINER=`shop`@`%`'),
                (2,'DEFINER=`shop`@`%` \uD83D\uDEA2');
                """, rewrite(dump));
    }

    @Test
    void longLinesPassUntouchedAndAReadFailureIsTheStreamsOwn() throws IOException {
        String longLine = "CREATE DEFINER=`a`@`b` " + "x".repeat(DefinerRewrite.MAX_LINE * 2) + "\nCREATE DEFINER=`a`@`b` f\n";
        assertEquals(longLine.replace("\nCREATE DEFINER=`a`@`b` f", "\nCREATE DEFINER=CURRENT_USER f"), rewrite(longLine),
                "a line too long to hold is passed as it is; the next short one is rewritten");
        IOException broken = new IOException("fetch failed");
        InputStream failing = new DefinerRewrite(new InputStream() {
            @Override
            public int read() throws IOException {
                throw broken;
            }
        });
        assertSame(broken, assertThrows(IOException.class, failing::readAllBytes));
    }

    /** Reads {@code data} at most {@code chunk} bytes per read, like a pipe that delivers what it has. */
    private static InputStream chunked(byte[] data, int chunk) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static byte[] readWith(InputStream in, int readSize) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (readSize == 1) {
            for (int c = in.read(); c >= 0; c = in.read()) {
                out.write(c);
            }
        } else {
            byte[] b = new byte[readSize];
            for (int n = in.read(b, 0, readSize); n >= 0; n = in.read(b, 0, readSize)) {
                out.write(b, 0, n);
            }
        }
        return out.toByteArray();
    }

    @Test
    void howTheStreamAndTheCallerChunkTheirReadsDoesNotChangeTheOutput() throws IOException {
        StringBuilder dump = new StringBuilder();
        String pad = "x".repeat(DefinerRewrite.MAX_LINE - "CREATE DEFINER=`a`@`b` ".length());
        dump.append("-- MariaDB dump\n\n/*!40101 SET NAMES utf8mb4 */;\n")
                .append("/*!50013 DEFINER=`shop`@`%` SQL SECURITY DEFINER */\n")
                .append("CREATE DEFINER=`a`@`b` ").append(pad).append('\n') // exactly MAX_LINE: rewritten
                .append("CREATE DEFINER=`a`@`b` ").append(pad).append("y\n") // one more: passed
                .append("CREATE DEFINER=`a`@`b` ").append(pad).append(pad).append("\n")
                .append("CREATE\nCREAT\nCRE DEFINER=`a`@`b`\n/*\n/*! DEFINER=`a`@`b`\n\n\n")
                .append("INSERT INTO `notes` VALUES (1,'DEFINER=`shop`@`%`'),\n");
        for (int i = 0; i < 3000; i++) {
            dump.append("(").append(i).append(",'CREATE DEFINER=`x`@`y` \u00e9\\n'),\n");
        }
        dump.append("(0,'").append("z".repeat(3 * DefinerRewrite.MAX_LINE)).append("');\n")
                .append("/*!50003 CREATE*/ /*!50017 DEFINER=`we``ird`@`10.0.0.%`*/ TRIGGER t */;;\n")
                .append("CREATE DEFINER=`last`@`line` PROCEDURE p() BEGIN END"); // no line break at the end
        byte[] data = dump.toString().getBytes(StandardCharsets.UTF_8);

        byte[] byteWise = readWith(new DefinerRewrite(chunked(data, 1)), 1);
        String text = new String(byteWise, StandardCharsets.UTF_8);
        assertEquals(5, text.split("DEFINER=CURRENT_USER", -1).length - 1,
                "the shop view, the line of exactly MAX_LINE, /*! …, the trigger and the last line without a line break");
        assertEquals(true, text.contains("\nCREATE DEFINER=`a`@`b` " + pad + "y\n")
                && text.contains("\nCREATE DEFINER=`a`@`b` " + pad + pad + "\n") && text.contains("\nCRE DEFINER=`a`@`b`\n")
                && text.contains("\n(2999,'CREATE DEFINER=`x`@`y` \u00e9\\n'),\n"), "long lines, CRE… and data pass as they are");
        for (int chunk : new int[] {1, 2, 7, 64 * 1024, data.length}) {
            for (int readSize : new int[] {1, 2, 7, 8192, 64 * 1024}) {
                byte[] got = readWith(new DefinerRewrite(chunked(data, chunk)), readSize);
                if (!java.util.Arrays.equals(byteWise, got)) {
                    throw new AssertionError("chunks of " + chunk + ", reads of " + readSize + " differ from byte-wise reading");
                }
            }
        }
    }
}
