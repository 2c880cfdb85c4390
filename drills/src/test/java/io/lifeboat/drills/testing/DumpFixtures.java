package io.lifeboat.drills.testing;

import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.DrillBackup;
import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.sandbox.DumpReadException;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.drills.sandbox.Sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real PostgreSQL dumps of a small shop, made once per test JVM with {@code pg_dump -Fc} from a
 * {@link TestClusters} server, and backups of them named after their defect:
 *
 * <table>
 *   <caption>Fixtures</caption>
 *   <tr><td>{@code good.dump}</td><td>the shop: 6 tables, 4,261 rows, a canary row</td></tr>
 *   <tr><td>{@code truncated.dump}</td><td>the first half of good.dump: pg_restore fails</td></tr>
 *   <tr><td>{@code missing-orders-table.dump}</td><td>a dump of the shop after {@code DROP TABLE orders}:
 *       it restores, and its manifest agrees with it, but a check on orders fails</td></tr>
 *   <tr><td>{@code row-counts-disagree}</td><td>good.dump with a manifest claiming 1,200 orders and 3,300 items</td></tr>
 *   <tr><td>{@code stale-30h}</td><td>good.dump, taken 30h12m before the drill</td></tr>
 *   <tr><td>{@code canary-not-in-dump}</td><td>good.dump with a manifest naming a canary token the dump lacks</td></tr>
 *   <tr><td>{@code checksum-mismatch}</td><td>good.dump streamed whole, then the stream's end throws a
 *       BackupDefectException (the restore would succeed)</td></tr>
 *   <tr><td>{@code bucket-unreachable}</td><td>the first read throws BackupUnavailableException</td></tr>
 * </table>
 *
 * The dump is written to pg_dump's stdout and from there to a file, the way the orchestrator's
 * pipeline gets it: a custom archive written to a pipe has no data offsets, and a drill must
 * restore exactly such archives. The files are removed when the JVM exits.
 */
public final class DumpFixtures {

    /** A dump file and the manifest facts that go with it. */
    public record Dump(String name, Path file, String serverVersion, Map<String, Long> rowCounts,
                       Optional<CanaryRow> canary) {
        public Dump {
            rowCounts = Map.copyOf(rowCounts);
        }
    }

    public static final String CANARY_TOKEN = "canary-7f3e2a9b1c";
    public static final Instant CANARY_WRITTEN_AT = Instant.parse("2025-01-01T03:00:00Z");
    public static final long ORDERS = 1000;

    /** The shop. Names with spaces, capitals, commas and quotes keep every quoting path honest. */
    static final String SHOP_SQL = """
            CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE NOT NULL,
                                    created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE products (id serial PRIMARY KEY, sku text UNIQUE NOT NULL, title text NOT NULL,
                                   price numeric(10,2) NOT NULL CHECK (price > 0));
            CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
                                 created_at timestamptz NOT NULL, status text NOT NULL);
            CREATE TABLE order_items (order_id int NOT NULL REFERENCES orders ON DELETE CASCADE,
                                      product_id int NOT NULL REFERENCES products,
                                      quantity int NOT NULL CHECK (quantity > 0), PRIMARY KEY (order_id, product_id));
            CREATE INDEX orders_created_at ON orders (created_at);
            CREATE VIEW order_totals AS
                SELECT o.id, sum(i.quantity * p.price) AS total
                FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
                GROUP BY o.id;
            CREATE SCHEMA audit;
            CREATE TABLE audit."Event Log" (id bigserial PRIMARY KEY, "Happened At" timestamptz NOT NULL, note text);
            CREATE TABLE lifeboat_canary (token text PRIMARY KEY, written_at timestamptz NOT NULL);

            INSERT INTO customers (name, email)
                SELECT 'Customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 200) g;
            INSERT INTO products (sku, title, price)
                SELECT 'SKU-' || g, 'Product, "' || g || '"', (g % 50) + 0.99 FROM generate_series(1, 50) g;
            INSERT INTO orders (customer_id, created_at, status)
                SELECT 1 + g % 200, now() - make_interval(mins => g),
                       CASE WHEN g % 10 = 0 THEN 'refunded' ELSE 'paid' END
                FROM generate_series(1, 1000) g;
            INSERT INTO order_items (order_id, product_id, quantity)
                SELECT o, 1 + (o + k * 7) % 50, 1 + k FROM generate_series(1, 1000) o, generate_series(0, 2) k;
            INSERT INTO audit."Event Log" ("Happened At", note)
                SELECT now() - make_interval(hours => g), 'line one, with a comma' || chr(10) || 'line "two"'
                FROM generate_series(1, 10) g;
            INSERT INTO lifeboat_canary VALUES ('{token}', '{written_at}');
            """.replace("{token}", CANARY_TOKEN).replace("{written_at}", CANARY_WRITTEN_AT.toString());

    private static Built built;

    private DumpFixtures() {
    }

    /** {@code good.dump}: the shop as it is. */
    public static Dump good() {
        return built().good;
    }

    /** {@code truncated.dump}: the first half of good.dump. */
    public static Dump truncated() {
        return built().truncated;
    }

    /** {@code missing-orders-table.dump}: the shop without its orders table. */
    public static Dump missingOrdersTable() {
        return built().missingOrders;
    }

    public static FixtureBackup goodBackup(Instant takenAt) {
        return FixtureBackup.of(good(), takenAt);
    }

    public static FixtureBackup truncatedBackup(Instant takenAt) {
        return FixtureBackup.of(truncated(), takenAt);
    }

    public static FixtureBackup missingOrdersTableBackup(Instant takenAt) {
        return FixtureBackup.of(missingOrdersTable(), takenAt);
    }

    /** good.dump with a manifest that says 1,200 orders and 3,300 order items. */
    public static FixtureBackup rowCountsDisagreeBackup(Instant takenAt) {
        Map<String, Long> counts = new LinkedHashMap<>(good().rowCounts());
        counts.put("public.orders", 1200L);
        counts.put("public.order_items", 3300L);
        return goodBackup(takenAt).withRowCounts(counts).named("row-counts-disagree");
    }

    /** Restores {@code file} into {@code sandbox} as a stream, the way the drill runner does. */
    public static void restore(Sandbox sandbox, Path file, String dumpFormat)
            throws RestoreFailedException, DumpReadException, IOException {
        try (InputStream in = Files.newInputStream(file)) {
            sandbox.restore(in, dumpFormat);
        }
    }

    /** good.dump, taken 30h12m before {@code drillTime}. */
    public static FixtureBackup staleBackup(Instant drillTime) {
        return goodBackup(drillTime.minus(Duration.ofHours(30).plusMinutes(12))).named("stale-30h");
    }

    /** good.dump with a manifest naming a canary row the dump does not hold. */
    public static FixtureBackup canaryNotInDumpBackup(Instant takenAt) {
        return goodBackup(takenAt).withCanary(Optional.of(new CanaryRow("canary-0000deadbeef",
                Instant.parse("2025-02-01T03:00:00Z")))).named("canary-not-in-dump");
    }

    /** A backup whose stored object does not match its manifest's checksum. */
    public static FixtureBackup checksumMismatchBackup(Instant takenAt) {
        return goodBackup(takenAt).withOpener(FixtureBackup.failingAtEnd(good().file(), new DrillBackup.BackupReadException(
                new DrillBackup.BackupDefectException("checksum mismatch: manifest says 3f2a…, object is 9b1c…"))))
                .named("checksum-mismatch");
    }

    /** A backup in a bucket that cannot be reached. */
    public static FixtureBackup bucketUnreachableBackup(Instant takenAt) {
        return goodBackup(takenAt).withOpener(FixtureBackup.failingAtStart(new DrillBackup.BackupReadException(
                new DrillBackup.BackupUnavailableException("s3://lifeboat-vault/shop/: connect timed out"))))
                .named("bucket-unreachable");
    }

    private static synchronized Built built() {
        if (built == null) {
            built = build();
        }
        return built;
    }

    private record Built(Path dir, Dump good, Dump truncated, Dump missingOrders) {
    }

    private static Built build() {
        long t0 = System.nanoTime();
        try (PrivatePostgresCluster pg = TestClusters.start()) {
            Path dir = Files.createTempDirectory("lifeboat-dump-fixtures-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "dump-fixtures-cleanup"));
            pg.createDatabase("shop");
            pg.execute("shop", SHOP_SQL);
            String version = pg.execute("shop", "SHOW server_version");
            Optional<CanaryRow> canary = Optional.of(new CanaryRow(CANARY_TOKEN, CANARY_WRITTEN_AT));

            Dump good = new Dump("good.dump", dump(pg, "shop", dir.resolve("good.dump")), version, rowCounts(pg, "shop"), canary);

            byte[] bytes = Files.readAllBytes(good.file());
            Path cut = Files.write(dir.resolve("truncated.dump"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
            Dump truncated = new Dump("truncated.dump", cut, version, good.rowCounts(), canary);

            pg.execute("shop", "DROP TABLE orders CASCADE");
            Dump missing = new Dump("missing-orders-table.dump", dump(pg, "shop", dir.resolve("missing-orders-table.dump")),
                    version, rowCounts(pg, "shop"), canary);
            System.out.printf("dump fixtures: shop of %,d bytes (%d tables, %,d rows) made in %.2f s%n", bytes.length,
                    good.rowCounts().size(), good.rowCounts().values().stream().mapToLong(Long::longValue).sum(),
                    (System.nanoTime() - t0) / 1e9);
            return new Built(dir, good, truncated, missing);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code pg_dump -Fc} to stdout, copied into {@code file}: as the orchestrator streams it. */
    private static Path dump(PrivatePostgresCluster pg, String database, Path file) throws IOException {
        List<String> command = new ArrayList<>(List.of(pg.installation().tool("pg_dump").toString(),
                "--format=custom", "--compress=0", "-h", pg.socketDir().toString(), "-p", Integer.toString(pg.port()),
                "-U", PrivatePostgresCluster.SUPERUSER, "-d", database));
        try (ChildProcess child = ChildProcess.start(command); OutputStream out = Files.newOutputStream(file)) {
            child.stdin().close();
            child.stdout().transferTo(out);
            ProcessOutcome outcome = child.waitFor(60, TimeUnit.SECONDS);
            if (!outcome.succeeded()) {
                throw new IllegalStateException("pg_dump for the fixtures failed: " + outcome.describe());
            }
        }
        return file;
    }

    /** Counted as the orchestrator counts for the manifest: plain tables, ONLY, "schema.table". */
    private static Map<String, Long> rowCounts(PrivatePostgresCluster pg, String database) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = pg.connect(database); Statement st = c.createStatement()) {
            List<String[]> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("""
                    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                      AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2""")) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + PrivatePostgresCluster.quoteIdentifier(t[0])
                        + "." + PrivatePostgresCluster.quoteIdentifier(t[1]))) {
                    rs.next();
                    counts.put(t[0] + "." + t[1], rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return counts;
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("DumpFixtures: could not remove " + dir + ": " + e);
        }
    }
}
