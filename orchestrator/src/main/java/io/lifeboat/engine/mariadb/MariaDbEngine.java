package io.lifeboat.engine.mariadb;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.check.CanaryCheck;
import io.lifeboat.drills.mariadb.MariaDbServerException;
import io.lifeboat.drills.mariadb.MariaDbTools;
import io.lifeboat.drills.mariadb.OptionFile;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.engine.DatabaseEngine;
import io.lifeboat.engine.DumpSession;
import io.lifeboat.engine.EngineSandboxes;
import io.lifeboat.engine.SourceLogin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * MariaDB and MySQL: {@code mariadb-dump --single-transaction --routines --triggers --events
 * --hex-blob} of the source's database, plain SQL (lifeboat compresses with zstd), restorable with
 * the stock {@code mariadb} client. The row counts in the manifest are those of the dump itself
 * ({@link InsertRowCounter} explains why they are not counted in the database).
 */
public final class MariaDbEngine implements DatabaseEngine {

    public static final String NAME = "mariadb";
    /** The dump format manifests name; the drills library's sandboxes restore exactly this. */
    static final String FORMAT = io.lifeboat.drills.mariadb.MariaDbDumpFormats.SQL;
    static final List<String> DUMP_OPTIONS = List.of("--single-transaction", "--routines", "--triggers", "--events",
            "--hex-blob", "--default-character-set=utf8mb4");

    private final Supplier<MariaDbTools> tools;

    public MariaDbEngine(Supplier<MariaDbTools> tools) {
        this.tools = tools;
    }

    /** The programs installed on this machine, looked up when a dump starts. */
    public MariaDbEngine() {
        this(MariaDbTools::discover);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EngineSandboxes sandboxes() {
        return new MariaDbSandboxes();
    }

    @Override
    public io.lifeboat.drills.restore.RestoreTarget restoreTarget(SourceConfig source) {
        return new io.lifeboat.drills.mariadb.MariaDbRestoreTarget(source.name(), source.host(), source.port(), source.user(),
                source.passwordFile(), source.sslMode(), tools);
    }

    @Override
    public DumpSession startDump(SourceConfig source) {
        MariaDbTools installed;
        try {
            installed = tools.get();
        } catch (MariaDbServerException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "cannot dump MariaDB source " + source.name() + ": "
                    + e.getMessage(), e);
        }
        Optional<String> password = SourceLogin.password(source);
        String version;
        List<String> tables;
        Optional<CanaryRow> canary;
        try (Connection connection = connect(source, password)) {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                rs.next();
                version = rs.getString(1);
            }
            // Committed (autocommit) before the dump's snapshot is taken, so the dump holds it.
            canary = source.canary() ? Optional.of(writeCanary(connection)) : Optional.empty();
            tables = baseTables(connection);
        } catch (SQLException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "MariaDB source " + source.name() + " at "
                    + source.host() + ":" + source.port() + ": " + e.getMessage(), e);
        }
        // The login reaches mariadb-dump only through a 0600 option file in a 0700 directory.
        PrivateFiles.TemporarySecret login = OptionFile.write(source.user(), password);
        ChildProcess dump;
        try {
            List<String> command = new ArrayList<>(List.of(installed.dump().toString(),
                    // must be the first argument: the client ignores it anywhere else
                    "--defaults-extra-file=" + login.file()));
            command.addAll(MariaDbTools.tcpOptions(source.host(), source.port(), source.sslMode()));
            command.addAll(DUMP_OPTIONS);
            // "--" ends the options: a database named like an option stays a database name
            command.addAll(List.of("--", source.database()));
            dump = ChildProcess.start(command, Map.of(), Optional.empty(), Optional.empty());
            dump.stdin().close();
        } catch (RuntimeException | java.io.IOException e) {
            login.close();
            throw new LifeboatException(ExitCode.INCOMPLETE, "could not start " + installed.dumpName() + " for source "
                    + source.name() + ": " + e.getMessage(), e);
        }
        return new MariaDbDumpSession(source, dump, login, version, installed, tables, canary);
    }

    /** Base tables (and system-versioned ones) of the source's database: what the manifest counts. */
    static List<String> baseTables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                     + " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    /**
     * Writes a row with a fresh random token into {@code lifeboat_canary} (created on first use;
     * the backup user needs CREATE once and INSERT afterwards). InnoDB, so the dump's consistent
     * snapshot covers it.
     */
    static CanaryRow writeCanary(Connection connection) throws SQLException {
        String token = CanaryRow.newToken();
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + CanaryCheck.TABLE + " (token VARCHAR(64) PRIMARY KEY,"
                    + " written_at DATETIME(6) NOT NULL,"
                    + " note VARCHAR(200) DEFAULT 'written by lifeboat just before a backup; drills look for it')"
                    + " ENGINE=InnoDB");
        }
        // only the two columns a drill reads: a table made by hand or by an older lifeboat may lack the note
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + CanaryCheck.TABLE
                + " (token, written_at) VALUES (?, UTC_TIMESTAMP(6))")) {
            ps.setString(1, token);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT written_at FROM " + CanaryCheck.TABLE
                + " WHERE token = ?")) {
            ps.setString(1, token);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                // UTC_TIMESTAMP, read in a UTC session (see connect): the instant it was written
                return new CanaryRow(token, rs.getTimestamp(1).toLocalDateTime().toInstant(java.time.ZoneOffset.UTC));
            }
        }
    }

    static Connection connect(SourceConfig source, Optional<String> password) {
        Properties props = new Properties();
        props.setProperty("sslMode", jdbcSslMode(source.sslMode()));
        // The driver applies it to the socket until the login is done: a server that accepts and
        // never answers fails the job (exit 3) instead of hanging it.
        props.setProperty("connectTimeout", Long.toString(source.connectTimeout().toMillis()));
        // DATETIME values in UTC, whatever the server's or this JVM's zone
        props.setProperty("sessionVariables", "time_zone='+00:00'");
        props.setProperty("connectionAttributes", "program_name:lifeboat");
        return SourceLogin.connect(source, password, "mariadb", props, "MariaDB");
    }

    /** libpq's sslmode names (lifeboat's configuration) in the MariaDB driver's terms; it has no "prefer". */
    static String jdbcSslMode(String sslmode) {
        return switch (sslmode) {
            case "require" -> "trust";
            case "verify-ca" -> "verify-ca";
            case "verify-full" -> "verify-full";
            default -> "disable";
        };
    }
}
