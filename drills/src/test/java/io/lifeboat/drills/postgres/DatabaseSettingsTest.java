package io.lifeboat.drills.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings' statements; that PostgreSQL reads them back the same is shown by RestoreCommandTest's replace. */
class DatabaseSettingsTest {

    @Test
    void listSettingsAreSplitIntoTheirElementsAndOthersAreOneLiteral() {
        assertEquals("ALTER DATABASE \"shop\" SET \"search_path\" TO '$user', 'public', 'Extra Schema', 'q\"x'; ",
                DatabaseSettings.statement("", "\"shop\"", "search_path=\"$user\", public, \"Extra Schema\", \"q\"\"x\""));
        assertEquals("ALTER ROLE app IN DATABASE \"shop\" SET \"statement_timeout\" TO '5s'; ",
                DatabaseSettings.statement("app", "\"shop\"", "statement_timeout=5s"));
        assertEquals("ALTER DATABASE d SET \"myapp.tenant\" TO 'it''s = 1'; ",
                DatabaseSettings.statement("", "d", "myapp.tenant=it's = 1"));
        assertEquals("ALTER DATABASE d SET \"search_path\" TO ''; ", DatabaseSettings.statement("", "d", "search_path="));
    }

    @Test
    void listsSplitAsPostgresSplitsThem() {
        assertEquals(List.of("a", "B c", "d\"e", "F"), DatabaseSettings.splitList(" a ,\"B c\",\"d\"\"e\",F "));
        assertEquals(List.of(), DatabaseSettings.splitList("  "));
        assertThrows(IllegalArgumentException.class, () -> DatabaseSettings.splitList("\"open"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseSettings.splitList("a b"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseSettings.statement("", "d", "novalue"));
    }
}
