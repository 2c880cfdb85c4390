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
}
