package io.lifeboat.catalog;

import io.lifeboat.config.CatalogConfig;
import io.lifeboat.config.StateFiles;
import io.lifeboat.drills.process.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Connections to the catalog database and its schema. The catalog and the scheduler's job store
 * share this database: an H2 file by default, PostgreSQL for a cluster.
 *
 * <p>H2 is opened with {@code AUTO_SERVER=TRUE}: the first process to open the file serves it to
 * the others over loopback, so {@code report} and {@code trigger} work while {@code serve} runs.
 * That server would accept anyone on the host who knows the user and password, so an H2 catalog
 * without a configured {@code password_file} gets a random password, kept in a 0600 file beside
 * the database ({@code <file>.password}) and created with it: who cannot read the state directory
 * cannot open the catalog either.
 *
 * <p>Connections come from a small HikariCP pool: a report over a thousand drills asks the catalog
 * thousands of questions, and a fresh connection per question (a TCP handshake on PostgreSQL; on
 * H2, reopening the file each time the last connection closed) made that take minutes.
 *
 * <p>The schema is versioned: {@code V<n>.sql} resources applied in order, the version kept in
 * {@code lifeboat_schema}. On PostgreSQL an advisory lock serialises two nodes migrating at once;
 * on H2 every statement is {@code IF NOT EXISTS}, so a repeat is harmless.
 */
public final class CatalogDatabase {
    /** The newest schema version this lifeboat knows. */
    public static final int SCHEMA_VERSION = 5;
    private static final long MIGRATION_LOCK = 0x6c6966650001L; // "life" + 1: any fixed number of ours

    private final String url;
    private final String user;
    private final String password;
    private final boolean postgres;
    private volatile HikariDataSource pool;

    private CatalogDatabase(String url, String user, String password, boolean postgres) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.postgres = postgres;
    }

    /** Opens (creating an H2 file if need be) and migrates the catalog. */
    public static CatalogDatabase open(CatalogConfig config) {
        CatalogDatabase db = connectOnly(config);
        db.migrate();
        if (!config.isPostgres()) {
            // made by root in a service account's state directory: the service must open it later
            Path file = h2File(config);
            for (String suffix : List.of(".mv.db", ".password", ".trace.db")) {
                StateFiles.adopt(file.getParent(), file.resolveSibling(file.getFileName() + suffix));
            }
        }
        return db;
    }

    private static Path h2File(CatalogConfig config) {
        return Path.of(config.jdbcUrl().substring("jdbc:h2:file:".length()).split(";", 2)[0]);
    }

    /** Resolves the connection settings without touching the schema. */
    static CatalogDatabase connectOnly(CatalogConfig config) {
        if (config.isPostgres()) {
            String password = config.passwordFile().map(f -> readPassword(f)).orElse("");
            return new CatalogDatabase(config.jdbcUrl(), config.user().orElse(System.getProperty("user.name")), password, true);
        }
        String base = config.jdbcUrl();
        Path file = h2File(config);
        String password = config.passwordFile().map(CatalogDatabase::readPassword).orElseGet(() -> h2Password(file));
        String options = base.toUpperCase(Locale.ROOT);
        String url = base + (options.contains("AUTO_SERVER=") ? "" : ";AUTO_SERVER=TRUE")
                + (options.contains("LAZY_QUERY_EXECUTION=") ? "" : ";LAZY_QUERY_EXECUTION=TRUE");
        return new CatalogDatabase(url, config.user().orElse("lifeboat"), password, false);
    }

    /** A pooled connection; closing it returns it to the pool. */
    public Connection connect() {
        try {
            return pool().getConnection();
        } catch (SQLException e) {
            throw new CatalogException("cannot open the catalog " + describe() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Hikari wraps a failed first connection (wrong password, server down) in its own exception.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CatalogException("cannot open the catalog " + describe() + ": " + cause.getMessage(), e);
        }
    }

    private HikariDataSource pool() {
        HikariDataSource p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    HikariConfig c = new HikariConfig();
                    c.setJdbcUrl(url);
                    c.setUsername(user);
                    c.setPassword(password);
                    c.setPoolName("lifeboat-catalog");
                    c.setMaximumPoolSize(4);
                    // One connection stays open: with none, the fail-fast check below closed its
                    // connection, which closed (and compacted) an embedded H2 file, and the first real
                    // use opened it again: 1.2 s of a 2,000-job serve start-up over a big catalog.
                    // The pool (and H2) is closed when the process's Application is.
                    c.setMinimumIdle(1);
                    c.setConnectionTimeout(15_000);
                    // Try one connection now: a catalog that is down or refuses us fails at once, with
                    // the server's reason, instead of after the connection timeout.
                    c.setInitializationFailTimeout(1);
                    pool = new HikariDataSource(c);
                }
                p = pool;
            }
        }
        return p;
    }

    /**
     * Closes the pool, and with its last connection an H2 file database (which then removes its
     * lock file). Idempotent; a later {@link #connect} opens a new pool.
     */
    public synchronized void close() {
        HikariDataSource p = pool;
        pool = null;
        if (p != null) {
            p.close();
        }
    }

    /** The JDBC URL (never holds a password: the loader refuses one). */
    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** For the scheduler's connection pool only; never logged. */
    public String password() {
        return password;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** The URL without its H2 options, for messages. */
    public String describe() {
        return url.split(";", 2)[0];
    }

    private static String readPassword(Path file) {
        try {
            return PrivateFiles.readFirstLine(file, "catalog password file");
        } catch (PrivateFiles.UnsafeFileException e) {
            throw new CatalogException(e.getMessage(), e);
        }
    }

    /** The H2 catalog's own password, made with the database. */
    private static String h2Password(Path dbFile) {
        Path file = dbFile.resolveSibling(dbFile.getFileName() + ".password");
        try {
            Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (!Files.exists(file)) {
                byte[] b = new byte[24];
                new SecureRandom().nextBytes(b);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, HexFormat.of().formatHex(b) + "\n", StandardCharsets.UTF_8);
                } catch (FileAlreadyExistsException raced) {
                    // another process made it first: use theirs
                }
            }
            return readPassword(file);
        } catch (IOException e) {
            throw new CatalogException("cannot prepare the catalog's password file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Applies the schema versions this database has not seen yet. */
    void migrate() {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (postgres) {
                    s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                }
                s.execute("CREATE TABLE IF NOT EXISTS lifeboat_schema (version INT NOT NULL)");
                int current = 0;
                try (ResultSet rs = s.executeQuery("SELECT max(version) FROM lifeboat_schema")) {
                    if (rs.next()) {
                        current = rs.getInt(1);
                    }
                }
                if (current > SCHEMA_VERSION) {
                    throw new CatalogException("the catalog " + describe() + " has schema version " + current
                            + ", newer than this lifeboat knows (" + SCHEMA_VERSION + "): upgrade lifeboat", null);
                }
                for (int v = current + 1; v <= SCHEMA_VERSION; v++) {
                    for (String statement : statements("V" + v + ".sql")) {
                        s.execute(statement);
                    }
                    s.execute("INSERT INTO lifeboat_schema (version) VALUES (" + v + ")");
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new CatalogException("cannot prepare the catalog schema in " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** Statements of a DDL resource: comment lines dropped, split at ';' ending a line. */
    static List<String> statements(String resource) {
        try (InputStream in = CatalogDatabase.class.getResourceAsStream(resource)) {
            String text = new String(Optional.ofNullable(in).orElseThrow(() -> new IllegalStateException(
                    "schema resource " + resource + " is missing from the jar")).readAllBytes(), StandardCharsets.UTF_8);
            List<String> result = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.strip().startsWith("--") || line.isBlank()) {
                    continue;
                }
                current.append(line).append('\n');
                if (line.stripTrailing().endsWith(";")) {
                    String sql = current.toString().strip();
                    result.add(sql.substring(0, sql.length() - 1));
                    current.setLength(0);
                }
            }
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema resource " + resource, e);
        }
    }
}
