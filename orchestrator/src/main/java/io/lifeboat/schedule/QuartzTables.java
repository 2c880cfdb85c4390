package io.lifeboat.schedule;

import io.lifeboat.catalog.CatalogDatabase;
import io.lifeboat.catalog.CatalogException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Creates Quartz's job store tables in the catalog database from the DDL that ships in the Quartz
 * jar ({@code tables_h2.sql}, {@code tables_postgres.sql}), once. Those scripts begin by dropping
 * the tables: the DROP statements are skipped, so running this can never wipe a job store, and it
 * only runs at all when {@code QRTZ_JOB_DETAILS} is missing.
 */
final class QuartzTables {
    private static final long INSTALL_LOCK = 0x6c6966650002L;

    private QuartzTables() {
    }

    static void ensure(CatalogDatabase db) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (db.isPostgres()) {
                    // Two nodes starting at once: the second waits, then sees the tables.
                    s.execute("SELECT pg_advisory_xact_lock(" + INSTALL_LOCK + ")");
                }
                if (!exists(c.getMetaData())) {
                    for (String sql : statements(db.isPostgres() ? "tables_postgres.sql" : "tables_h2.sql")) {
                        s.execute(sql);
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new CatalogException("cannot create the scheduler's tables in " + db.describe() + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(DatabaseMetaData meta) throws SQLException {
        for (String name : List.of("QRTZ_JOB_DETAILS", "qrtz_job_details")) {
            try (ResultSet rs = meta.getTables(null, null, name, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    static List<String> statements(String resource) {
        String path = "/org/quartz/impl/jdbcjobstore/" + resource;
        try (InputStream in = org.quartz.Scheduler.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the Quartz jar");
            }
            StringBuilder text = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.strip().startsWith("--")) {
                    text.append(line).append('\n');
                }
            }
            List<String> result = new ArrayList<>();
            for (String sql : text.toString().split(";")) {
                String s = sql.strip();
                String upper = s.toUpperCase(Locale.ROOT);
                if (s.isEmpty() || upper.startsWith("DROP ") || upper.equals("COMMIT")) {
                    continue;
                }
                result.add(s);
            }
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
