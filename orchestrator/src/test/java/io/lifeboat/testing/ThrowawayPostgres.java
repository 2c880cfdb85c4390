package io.lifeboat.testing;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A database of its own on the machine's PostgreSQL (127.0.0.1:5432, trust authentication, user
 * postgres), dropped by {@link #close()}: the catalog and the clustered job store are tested on a
 * real server without depending on what an earlier run left there.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    public final String database;

    private ThrowawayPostgres(String database) {
        this.database = database;
    }

    public static ThrowawayPostgres create(String purpose) {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        String name = "lifeboat_test_" + purpose + "_" + HexFormat.of().formatHex(b);
        admin("CREATE DATABASE " + name);
        return new ThrowawayPostgres(name);
    }

    public String jdbcUrl() {
        return SERVER + database;
    }

    /** Runs SQL in this database as postgres. */
    public void execute(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on 127.0.0.1:5432 (see DEVELOPERS.md to start it): " + e.getMessage(), e);
        }
    }
}
