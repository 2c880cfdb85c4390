package io.lifeboat.engine.postgres;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.check.CanaryCheck;
import io.lifeboat.drills.postgres.PostgresInstallation;
import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.engine.DatabaseEngine;
import io.lifeboat.engine.DumpSession;
import io.lifeboat.engine.EngineSandboxes;
import io.lifeboat.engine.SourceLogin;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * PostgreSQL: {@code pg_dump --format=custom --compress=0} (lifeboat compresses with zstd,
 * which is several times faster than pg_dump's zlib) of a snapshot that lifeboat exported
 * itself. The per-table row counts are read from the archive as it streams past
 * ({@link ArchiveRowCounter}); should that be impossible, they are counted in that same snapshot.
 */
public final class PostgresEngine implements DatabaseEngine {

    public static final String NAME = "postgres";

    private final Supplier<PostgresInstallations> installations;

    public PostgresEngine(Supplier<PostgresInstallations> installations) {
        this.installations = installations;
    }

    /**
     * The installed PostgreSQL tools, looked up when a backup, drill or restore needs them (as
     * MariaDbEngine does), not when the engine is made: every command makes every engine, and
     * looking runs {@code pg_config} and each {@code pg_dump --version} (three processes), which
     * a report or a MariaDB backup never needs.
     */
    public PostgresEngine() {
        this(PostgresInstallations::discover);
    }

    private PostgresInstallations installations() {
        return installations.get();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EngineSandboxes sandboxes() {
        return new PostgresSandboxes(installations());
    }

    @Override
    public io.lifeboat.drills.restore.RestoreTarget restoreTarget(SourceConfig source) {
        return new io.lifeboat.drills.postgres.PostgresRestoreTarget(source.name(), source.host(), source.port(), source.user(),
                source.passwordFile(), source.sslMode(), installations());
    }

    @Override
    public DumpSession startDump(SourceConfig source) {
        String password = SourceLogin.password(source).orElse(null);
        Connection connection = connect(source, password);
        try {
            int versionNum;
            String version;
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
                rs.next();
                versionNum = rs.getInt(1);
                version = rs.getString(2);
            }
            PostgresInstallation tools = installations().forServerMajor(PostgresInstallations.majorOf(versionNum)).installation();
            // Committed before the snapshot is taken, so the dump holds it; a drill must find it.
            Optional<CanaryRow> canary = source.canary() ? Optional.of(writeCanary(connection)) : Optional.empty();
            connection.setAutoCommit(false);
            String snapshot;
            try (Statement st = connection.createStatement()) {
                // REPEATABLE READ: one snapshot for the whole transaction, exported to pg_dump.
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                    rs.next();
                    snapshot = rs.getString(1);
                }
            }
            // The password reaches pg_dump only through a 0600 passfile in a 0700 directory.
            Optional<PrivateFiles.TemporarySecret> passfile = Optional.ofNullable(password)
                    .map(p -> PrivateFiles.writeTemporary("pgpass", "*:*:*:*:" + PgPass.escape(p) + "\n"));
            ChildProcess dump;
            try {
                dump = ChildProcess.start(List.of(
                        tools.binDir().resolve("pg_dump").toString(),
                        "--format=custom", "--compress=0", "--no-password",
                        "--snapshot=" + snapshot,
                        "--dbname=" + ConnInfo.of(source, passfile.map(PrivateFiles.TemporarySecret::file))), Map.of(), Optional.empty(), Optional.empty());
                dump.stdin().close();
            } catch (RuntimeException | java.io.IOException e) {
                passfile.ifPresent(PrivateFiles.TemporarySecret::close);
                throw new LifeboatException(ExitCode.INCOMPLETE, "could not start pg_dump for source " + source.name() + ": " + e.getMessage(), e);
            }
            return new PostgresDumpSession(source, connection, dump, passfile, version, tools, canary);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new LifeboatException(ExitCode.INCOMPLETE, "PostgreSQL source " + source.name() + " at "
                    + source.host() + ":" + source.port() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /**
     * Writes a row with a fresh random token into {@code lifeboat_canary} (created on first
     * use; the backup role needs CREATE on the schema once and INSERT afterwards).
     */
    static CanaryRow writeCanary(Connection connection) throws SQLException {
        String token = CanaryRow.newToken();
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + CanaryCheck.TABLE + " (token text PRIMARY KEY,"
                    + " written_at timestamptz NOT NULL DEFAULT clock_timestamp(), note text)");
        }
        try (java.sql.PreparedStatement ps = connection.prepareStatement("INSERT INTO " + CanaryCheck.TABLE
                + " (token, note) VALUES (?, 'written by lifeboat just before a backup; drills look for it') RETURNING written_at")) {
            ps.setString(1, token);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new CanaryRow(token, rs.getTimestamp(1).toInstant());
            }
        }
    }

    static Connection connect(SourceConfig source, String password) {
        Properties props = new Properties();
        props.setProperty("sslmode", source.sslMode());
        props.setProperty("ApplicationName", "lifeboat");
        long seconds = Math.max(1, source.connectTimeout().toSeconds());
        // connectTimeout bounds only the TCP connect; loginTimeout bounds the whole login, so that a
        // server (or a proxy in front of it) that accepts and never answers fails the job instead of
        // hanging it. socketTimeout stays 0: row counts of big tables may legitimately take long.
        props.setProperty("connectTimeout", Long.toString(seconds));
        props.setProperty("loginTimeout", Long.toString(seconds));
        props.setProperty("socketTimeout", "0");
        return SourceLogin.connect(source, Optional.ofNullable(password), "postgresql", props, "PostgreSQL");
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing after a failure: the original error is what matters
        }
    }
}
