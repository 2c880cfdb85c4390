package io.lifeboat.drills.testing;

import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The helpers other modules use, used the way they use them. */
class TestClustersTest {

    @Test
    void startGivesATcpClusterInThisJvmsParentDir() throws Exception {
        Path dir;
        try (PrivatePostgresCluster pg = TestClusters.start(Map.of("work_mem", "16MB"))) {
            dir = pg.directory();
            assertEquals(TestClusters.parentDir(), dir.getParent());
            assertTrue(dir.startsWith(Path.of(System.getProperty("java.io.tmpdir"))));
            try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery("SHOW work_mem")) {
                assertTrue(rs.next());
                assertEquals("16MB", rs.getString(1));
            }
        }
        assertFalse(Files.exists(dir));
    }
}
