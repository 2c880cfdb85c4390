package io.lifeboat.testing;

import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import io.lifeboat.drills.testing.TestClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A source database for backup tests: a private PostgreSQL cluster (real server, TCP on
 * 127.0.0.1, password authentication) with a small shop schema, a 0600 password file, an age
 * key pair, and a configuration file builder. Nothing depends on state from earlier runs.
 */
public final class SampleSource implements AutoCloseable {

    public final PrivatePostgresCluster pg;
    public final Path dir;
    public final Path passwordFile;
    public final Path identityFile;
    public final AgeEncryption.AgeKeyPair keys;

    private SampleSource(PrivatePostgresCluster pg, Path dir, Path passwordFile, Path identityFile, AgeEncryption.AgeKeyPair keys) {
        this.pg = pg;
        this.dir = dir;
        this.passwordFile = passwordFile;
        this.identityFile = identityFile;
        this.keys = keys;
    }

    /**
     * Starts a cluster with database {@code shop}: customers (1,000 rows), orders
     * ({@code orders} rows of about 100 bytes of poorly compressible text each, so the size of the
     * dump can be chosen), and an empty table.
     */
    public static SampleSource start(Path dir, int orders) {
        PrivatePostgresCluster pg = TestClusters.start();
        try {
            pg.createDatabase("shop");
            pg.execute("shop", """
                    CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL);
                    INSERT INTO customers SELECT g, 'customer ' || g, now() - g * interval '1 hour' FROM generate_series(1, 1000) g;
                    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers(id),
                                         note text, doc jsonb, created_at timestamptz NOT NULL);
                    INSERT INTO orders SELECT g, 1 + g %% 1000, md5(g::text) || md5((g * 3)::text) || md5((g * 7)::text),
                                              jsonb_build_object('n', g, 'k', md5(g::text)), now() - g * interval '1 minute'
                    FROM generate_series(1, %d) g;
                    CREATE SCHEMA "odd schema";
                    CREATE TABLE "odd schema"."Empty \"\"Table\"\"\" (x int);
                    """.formatted(orders));
            Path passwordFile = dir.resolve("shop.password");
            Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, password(pg) + "\n");
            AgeEncryption.AgeKeyPair keys = AgeEncryption.generateKeyPair();
            Path identityFile = dir.resolve("drill.agekey");
            AgeEncryption.writeIdentityFile(identityFile, keys);
            return new SampleSource(pg, dir, passwordFile, identityFile, keys);
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The cluster superuser's password: the secret tests scan every output for. */
    public static String password(PrivatePostgresCluster pg) {
        return pg.jdbcProperties().getProperty("password");
    }

    public String password() {
        return password(pg);
    }

    public int port() {
        return pg.tcpPort().getAsInt();
    }

    /** Row counts per table as the server sees them now. */
    public Map<String, Long> rowCounts(String database) {
        Map<String, Long> counts = new TreeMap<>();
        String rows = pg.execute(database, """
                SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1;""");
        for (String table : rows.split("\n")) {
            if (table.isBlank()) {
                continue;
            }
            String[] p = table.split("\\.", 2);
            String n = pg.execute(database, "SELECT count(*) FROM ONLY " + PrivatePostgresCluster.quoteIdentifier(p[0]) + "."
                    + PrivatePostgresCluster.quoteIdentifier(p[1]) + ";");
            counts.put(table, Long.parseLong(n.strip()));
        }
        return counts;
    }

    /** A configuration with source {@code shop} writing to a target whose YAML body is {@code targetYaml}. */
    public Path writeConfig(String targetYaml) {
        return writeConfig(targetYaml, port());
    }

    /** As {@link #writeConfig(String)}, with another port (for unreachable-database tests). */
    public Path writeConfig(String targetYaml, int port) {
        return writeConfig(targetYaml, port, "", false);
    }

    /**
     * A configuration with extra top-level sections ({@code drills:}, {@code alerts:}) and, if
     * asked, the canary on the source.
     */
    public Path writeConfig(String targetYaml, int port, String extraYaml, boolean canary) {
        return TestConfigs.write(dir, """
                engine: postgres
                host: 127.0.0.1
                port: %d
                database: shop
                user: postgres
                password_file: %s
                target: vault
                canary: %s
                """.formatted(port, passwordFile, canary), targetYaml, keys.recipient(), identityFile, extraYaml);
    }

    /** The pg_dump this JVM is running, if any (a backup in progress). */
    public static Optional<ProcessHandle> pgDumpChild() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("/pg_dump")).orElse(false))
                .findFirst();
    }

    /** A child's argv (spaces between) and environment (one variable a line), from /proc, for secret scans. */
    public static List<String> argvAndEnvironment(ProcessHandle child) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(child.pid()), "cmdline")).replace('\0', ' '),
                    Files.readString(Path.of("/proc", Long.toString(child.pid()), "environ")).replace('\0', '\n'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        pg.close();
    }
}
