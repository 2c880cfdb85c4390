package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.privateserver.PrivateServerException;
import io.lifeboat.drills.restore.CreatedDatabase;
import io.lifeboat.drills.restore.ExistingDatabase;
import io.lifeboat.drills.restore.NewDatabase;
import io.lifeboat.drills.restore.Ownership;
import io.lifeboat.drills.restore.RestoreTarget;
import io.lifeboat.drills.restore.RestoreTargetException;
import io.lifeboat.drills.sandbox.DumpReadException;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.drills.sandbox.SandboxServer;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A MariaDB (or MySQL) server that a backup is restored onto for real, through the
 * {@code mariadb} client exactly as drills restore ({@link MariaDbClient}: option files, deadlines,
 * the dump's completion line).
 *
 * <p>A new database is created with {@code CREATE DATABASE} (which fails if the name exists:
 * nothing is ever reused), restored into and checked through a {@link MariaDbServerSandbox} view
 * of it, and dropped by {@link NewDatabase#close()} unless kept.
 *
 * <p>It cannot replace a database. MariaDB has no {@code RENAME DATABASE}, and {@code RENAME
 * TABLE} moves tables only: it refuses to move a table with triggers to another database, and
 * views, routines and events stay behind. A swap would leave a database that is neither the old
 * one nor the backup, so {@link #cannotReplace()} says so and the plan is refused instead.
 */
public final class MariaDbRestoreTarget implements RestoreTarget {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    /** MariaDB's longest identifier. */
    static final int MAX_NAME = 64;

    private final SandboxServer server;
    private final Supplier<MariaDbTools> tools;

    /**
     * @param name the source's name, for messages
     */
    public MariaDbRestoreTarget(String name, String host, int port, String user, Optional<Path> passwordFile, String sslmode,
                                Supplier<MariaDbTools> tools) {
        this.server = new SandboxServer(name, host, port, user, passwordFile, sslmode);
        this.tools = tools;
    }

    @Override
    public String describe() {
        return "MariaDB at " + server.endpoint() + " (user " + server.user() + ")";
    }

    @Override
    public String ownershipNote(Ownership ownership) {
        return switch (ownership) {
            case AS_IN_BACKUP -> "as in the backup: views, triggers, routines and events keep their DEFINER accounts (an"
                    + " account missing on this server makes those objects fail when used; --no-owner makes them "
                    + server.user() + "'s)";
            case RESTORING_USER -> "--no-owner: views, triggers, routines and events are defined by " + server.user()
                    + " (DEFINER=CURRENT_USER)";
        } + "; accounts and grants live in the server's mysql schema, not in a database's dump, and are left as they are";
    }

    @Override
    public Optional<String> cannotReplace() {
        return Optional.of("MariaDB has no RENAME DATABASE, and RENAME TABLE cannot carry triggers, views, routines or"
                + " events to another database; restore into a new database (the default) and point the application at it");
    }

    @Override
    public Optional<ExistingDatabase> inspect(String database) throws RestoreTargetException {
        MariaDbClient client = client();
        String literal = literal(database);
        try {
            if (count(client, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + literal) == 0) {
                return Optional.empty();
            }
            long bytes = count(client, "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = " + literal);
            long tables = count(client, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + literal
                    + " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')");
            return Optional.of(new ExistingDatabase(database, bytes, Math.toIntExact(tables)));
        } catch (QueryFailedException | NumberFormatException | ArithmeticException e) {
            throw new RestoreTargetException("cannot inspect database " + database + " on " + describe() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public NewDatabase createNew(String database, String backupServerVersion, Ownership ownership)
            throws RestoreTargetException {
        if (database.length() > MAX_NAME) {
            throw new RestoreTargetException("database name " + database + " is longer than " + MAX_NAME
                    + " characters, MariaDB's limit");
        }
        if (inspect(database).isPresent()) {
            throw new RestoreTargetException("database " + database + " already exists on " + describe()
                    + "; a restore only ever creates a new database");
        }
        MariaDbClient client = client();
        String version;
        try {
            version = client.serverVersion();
            // no IF NOT EXISTS: a database created between the check above and here is an error, never reused
            client.execute("", "CREATE DATABASE " + MariaDbClient.identifier(database)
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", ADMIN_TIMEOUT);
        } catch (QueryFailedException e) {
            throw new RestoreTargetException("could not create database " + database + " on " + describe() + ": "
                    + e.getMessage(), e);
        }
        return new Created(database, client, version, ownership);
    }

    private MariaDbClient client() throws RestoreTargetException {
        try {
            return new MariaDbClient(tools.get(), new MariaDbClient.Endpoint(Optional.empty(), server.host(), server.port(),
                    server.user(), server.passwordFile(), server.sslmode()));
        } catch (PrivateServerException | PrivateFiles.UnsafeFileException | IllegalArgumentException e) {
            throw new RestoreTargetException("cannot use " + describe() + ": " + e.getMessage(), e);
        }
    }

    private static long count(MariaDbClient client, String sql) throws QueryFailedException {
        return Long.parseLong(client.query("", sql, ADMIN_TIMEOUT).value().orElse("0").strip());
    }

    /**
     * A string literal that means the same whatever the session's sql_mode (with
     * NO_BACKSLASH_ESCAPES or without): the text as a hexadecimal literal, its character set named.
     */
    static String literal(String value) {
        return "_utf8mb4 X'" + java.util.HexFormat.of().formatHex(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "'";
    }

    private final class Created extends CreatedDatabase {
        private final MariaDbClient client;
        private final String serverVersion;
        private final Ownership ownership;

        Created(String name, MariaDbClient client, String serverVersion, Ownership ownership) {
            super(name, new MariaDbServerSandbox(server, name, serverVersion, client, List.of()));
            this.client = client;
            this.serverVersion = serverVersion;
            this.ownership = ownership;
        }

        @Override
        public String describe() {
            return "database " + name() + " on " + MariaDbRestoreTarget.this.describe() + " (MariaDB " + serverVersion + ")";
        }

        @Override
        public void restore(InputStream dump, String dumpFormat, Duration limit) throws RestoreFailedException, DumpReadException {
            MariaDbDumpFormats.requireRestorable(dumpFormat);
            client.restore(name(), dump, limit, ownership);
        }

        @Override
        public void swapInto(String existing, String keepOldAs) throws RestoreTargetException {
            throw new RestoreTargetException("cannot put " + name() + " in the place of " + existing + ": "
                    + cannotReplace().orElseThrow());
        }
    }
}
