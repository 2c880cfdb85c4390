package io.lifeboat.drills.postgres;

import io.lifeboat.drills.process.PrivateFiles;
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
import java.util.OptionalInt;

/**
 * A PostgreSQL server that a backup is restored onto for real: {@code psql} and
 * {@code pg_restore} through {@link PostgresClient} (passfiles, deadlines, SQLSTATEs), with
 * the tools picked by the server's major and the backup's.
 *
 * <p>A new database is created with {@code CREATE DATABASE … TEMPLATE template0} (it fails if
 * the name exists: nothing is ever reused), restored into and checked through a
 * {@link ServerSandbox} view of it (the drills' code, unchanged), and dropped by
 * {@link NewDatabase#close()} unless kept. Replacing swaps names with two
 * {@code ALTER DATABASE … RENAME} in one transaction after ending the old database's sessions.
 */
public final class PostgresRestoreTarget implements RestoreTarget {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    /** Sessions ended just before a rename can take a moment to exit; a new one can also slip in. */
    private static final int SWAP_ATTEMPTS = 5;

    private final SandboxServer server;
    private final PostgresInstallations installations;
    private final PostgresClient.Endpoint endpoint;

    /**
     * @param name the source's name, for messages
     */
    public PostgresRestoreTarget(String name, String host, int port, String user, Optional<Path> passwordFile,
                                 String sslmode, PostgresInstallations installations) {
        this.server = new SandboxServer(name, host, port, user, passwordFile, sslmode);
        this.installations = installations;
        this.endpoint = new PostgresClient.Endpoint(host, port, user, sslmode, passwordFile);
    }

    @Override
    public String describe() {
        return "PostgreSQL at " + server.endpoint() + " (user " + server.user() + ")";
    }

    @Override
    public String ownershipNote(Ownership ownership) {
        return switch (ownership) {
            case AS_IN_BACKUP -> "as in the backup: every object gets its owner and grants back (the roles must exist on this"
                    + " server and " + server.user() + " must be allowed to give objects to them; if not, the restore fails"
                    + " naming the role: add --no-owner)";
            case RESTORING_USER -> "--no-owner: every object will belong to " + server.user() + "; the backup's grants are left out";
        } + (ownership == Ownership.AS_IN_BACKUP ? "; with --replace the database itself takes the replaced one's owner and"
                + " database grants" : "") + "; database settings (ALTER DATABASE … SET) are not in a database's dump";
    }

    @Override
    public Optional<ExistingDatabase> inspect(String database) throws RestoreTargetException {
        PostgresClient client = client(OptionalInt.empty());
        try {
            List<List<Optional<String>>> rows = client.rows(ServerSandboxProvider.MAINTENANCE_DATABASE,
                    "SELECT pg_database_size(oid) FROM pg_database WHERE datname = " + ServerSandbox.literal(database),
                    1, ADMIN_TIMEOUT);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            long bytes = Long.parseLong(rows.get(0).get(0).orElse("0"));
            String tables = client.query(database, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname NOT LIKE 'pg\\_toast%'", ADMIN_TIMEOUT).value().orElse("0");
            return Optional.of(new ExistingDatabase(database, bytes, Integer.parseInt(tables.strip())));
        } catch (QueryFailedException | NumberFormatException e) {
            throw new RestoreTargetException("cannot inspect database " + database + " on " + describe() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public NewDatabase createNew(String database, String backupServerVersion, Ownership ownership)
            throws RestoreTargetException {
        if (database.length() > io.lifeboat.drills.sandbox.ThrowawayDatabases.MAX_NAME) {
            throw new RestoreTargetException("database name " + database + " is longer than " + io.lifeboat.drills.sandbox.ThrowawayDatabases.MAX_NAME
                    + " characters; PostgreSQL would truncate it");
        }
        if (inspect(database).isPresent()) {
            throw new RestoreTargetException("database " + database + " already exists on " + describe()
                    + "; a restore only ever creates a new database");
        }
        PostgresClient client = client(PostgresClient.majorOf(backupServerVersion));
        try {
            client.execute(ServerSandboxProvider.MAINTENANCE_DATABASE, "CREATE DATABASE "
                    + PrivatePostgresCluster.quoteIdentifier(database) + " TEMPLATE template0", ADMIN_TIMEOUT);
        } catch (QueryFailedException e) {
            throw new RestoreTargetException("could not create database " + database + " on " + describe() + ": "
                    + e.getMessage(), e);
        }
        return new Created(database, client, ownership);
    }

    /** A client whose tools read the backup's archive and talk to this server. */
    private PostgresClient client(OptionalInt backupMajor) throws RestoreTargetException {
        try {
            PostgresClient probe = new PostgresClient(installations.newest(), endpoint);
            int serverMajor = PostgresInstallations.majorOf(probe.serverVersionNum(ServerSandboxProvider.MAINTENANCE_DATABASE));
            return new PostgresClient(installations.forServerMajor(Math.max(serverMajor, backupMajor.orElse(serverMajor)))
                    .installation(), endpoint);
        } catch (QueryFailedException e) {
            throw new RestoreTargetException("cannot reach " + describe() + ": " + e.getMessage(), e);
        } catch (PostgresNotInstalledException | PrivateFiles.UnsafeFileException | IllegalArgumentException e) {
            throw new RestoreTargetException("cannot use " + describe() + ": " + e.getMessage(), e);
        }
    }

    private final class Created extends CreatedDatabase {
        private final PostgresClient client;
        private final Ownership ownership;

        Created(String name, PostgresClient client, Ownership ownership) {
            super(name, new ServerSandbox(server, name, 0, "", client, List.of()));
            this.client = client;
            this.ownership = ownership;
        }

        @Override
        public String describe() {
            return "database " + name() + " on " + PostgresRestoreTarget.this.describe();
        }

        @Override
        public void restore(InputStream dump, String dumpFormat, Duration limit) throws RestoreFailedException, DumpReadException {
            PostgresDumpFormats.requireRestorable(dumpFormat);
            client.restore(name(), dump, limit, ownership);
        }

        @Override
        public synchronized void swapInto(String existing, String keepOldAs) throws RestoreTargetException {
            String rename = "BEGIN; " + databaseOwnerAndGrants(existing) + databaseSettings(existing) + "ALTER DATABASE "
                    + PrivatePostgresCluster.quoteIdentifier(existing) + " RENAME TO "
                    + PrivatePostgresCluster.quoteIdentifier(keepOldAs) + "; ALTER DATABASE "
                    + PrivatePostgresCluster.quoteIdentifier(name()) + " RENAME TO "
                    + PrivatePostgresCluster.quoteIdentifier(existing) + "; COMMIT;";
            QueryFailedException last = null;
            for (int attempt = 1; attempt <= SWAP_ATTEMPTS; attempt++) {
                try {
                    // a database cannot be renamed while anyone is connected to it
                    client.execute(ServerSandboxProvider.MAINTENANCE_DATABASE, "SELECT pg_terminate_backend(pid)"
                            + " FROM pg_stat_activity WHERE datname IN (" + ServerSandbox.literal(existing) + ", "
                            + ServerSandbox.literal(name()) + ") AND pid <> pg_backend_pid()", ADMIN_TIMEOUT);
                    client.execute(ServerSandboxProvider.MAINTENANCE_DATABASE, rename, ADMIN_TIMEOUT);
                    keep();
                    return;
                } catch (QueryFailedException e) {
                    last = e;
                    sleep(200L * attempt);
                }
            }
            throw new RestoreTargetException("could not swap " + name() + " in for " + existing + " on "
                    + PostgresRestoreTarget.this.describe() + " after " + SWAP_ATTEMPTS + " attempts (nothing was renamed): "
                    + last.getMessage());
        }

        /**
         * With the backup's owners kept, the database itself takes the replaced one's owner and
         * database-level grants (CONNECT, CREATE, TEMPORARY), which no database's dump holds: an
         * application whose role could connect to the old database can connect to this one. The
         * statements run in the swap's transaction, so a role the restoring user may not give the
         * database to leaves nothing renamed.
         */
        private String databaseOwnerAndGrants(String existing) throws RestoreTargetException {
            if (ownership != Ownership.AS_IN_BACKUP) {
                return "";
            }
            String target = PrivatePostgresCluster.quoteIdentifier(name());
            List<List<Optional<String>>> rows;
            try {
                // one row per ACL entry (grantee 0 is PUBLIC), or one row of nulls for the default ACL
                rows = client.rows(ServerSandboxProvider.MAINTENANCE_DATABASE, "SELECT pg_get_userbyid(d.datdba),"
                        + " d.datacl IS NULL, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,"
                        + " a.privilege_type, a.is_grantable FROM pg_database d LEFT JOIN LATERAL aclexplode(d.datacl) a ON true"
                        + " WHERE d.datname = " + ServerSandbox.literal(existing), 1000, ADMIN_TIMEOUT);
            } catch (QueryFailedException e) {
                throw new RestoreTargetException("cannot read the owner and grants of database " + existing + " on "
                        + PostgresRestoreTarget.this.describe() + ": " + e.getMessage(), e);
            }
            if (rows.isEmpty()) {
                throw new RestoreTargetException("database " + existing + " is no longer on " + PostgresRestoreTarget.this.describe());
            }
            StringBuilder sql = new StringBuilder("ALTER DATABASE ").append(target).append(" OWNER TO ")
                    .append(PrivatePostgresCluster.quoteIdentifier(rows.get(0).get(0).orElseThrow())).append("; ");
            if (rows.get(0).get(1).orElse("t").equals("f")) {
                // an explicit ACL: exactly its entries, not the defaults a new database starts with
                sql.append("REVOKE ALL ON DATABASE ").append(target).append(" FROM PUBLIC; ");
                for (List<Optional<String>> row : rows) {
                    if (row.get(2).isPresent() && row.get(3).isPresent()) {
                        sql.append("GRANT ").append(row.get(3).get()).append(" ON DATABASE ").append(target).append(" TO ")
                                .append(row.get(2).get()).append(row.get(4).orElse("f").equals("t") ? " WITH GRANT OPTION" : "")
                                .append("; ");
                    }
                }
            }
            return sql.toString();
        }

        /**
         * The replaced database's own settings, for every role and per role ({@link DatabaseSettings}),
         * whatever the ownership: they configure the database, not who owns its objects.
         */
        private String databaseSettings(String existing) throws RestoreTargetException {
            List<List<Optional<String>>> rows;
            try {
                rows = client.rows(ServerSandboxProvider.MAINTENANCE_DATABASE, "SELECT s.setrole = 0, quote_ident(r.rolname),"
                        + " c.entry FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
                        + " LEFT JOIN pg_roles r ON r.oid = s.setrole, unnest(s.setconfig) WITH ORDINALITY c(entry, n)"
                        + " WHERE d.datname = " + ServerSandbox.literal(existing) + " ORDER BY s.setrole, c.n", 1000, ADMIN_TIMEOUT);
            } catch (QueryFailedException e) {
                throw new RestoreTargetException("cannot read the settings of database " + existing + " on "
                        + PostgresRestoreTarget.this.describe() + ": " + e.getMessage(), e);
            }
            String target = PrivatePostgresCluster.quoteIdentifier(name());
            StringBuilder sql = new StringBuilder();
            for (List<Optional<String>> row : rows) {
                boolean everyRole = row.get(0).orElse("f").equals("t");
                try {
                    sql.append(DatabaseSettings.statement(everyRole ? "" : row.get(1).orElseThrow(), target, row.get(2).orElseThrow()));
                } catch (IllegalArgumentException e) {
                    throw new RestoreTargetException("cannot carry over a setting of database " + existing + " on "
                            + PostgresRestoreTarget.this.describe() + " (" + e.getMessage() + "); nothing was renamed. Reset it"
                            + " (ALTER DATABASE ... RESET) or restore without --replace", e);
                }
            }
            return sql.toString();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
