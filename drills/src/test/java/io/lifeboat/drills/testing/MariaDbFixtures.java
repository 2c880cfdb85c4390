package io.lifeboat.drills.testing;

import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ProcessOutcome;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The shop of {@link DumpFixtures} in MariaDB, with what a real MariaDB schema has besides
 * tables: a trigger (which must not fire again on restore), a stored function, a view, utf8mb4
 * text with emoji, binary data. Dumped once per test JVM with {@code mariadb-dump} from a
 * throwaway database on the machine's server (dropped afterwards), as the orchestrator dumps:
 * {@code --single-transaction --routines --triggers --events --hex-blob}.
 *
 * <ul>
 *   <li>{@code good.sql}: the shop</li>
 *   <li>{@code truncated.sql}: good.sql cut in the middle of an INSERT: the client fails</li>
 *   <li>{@code missing-orders-table.sql}: the shop after {@code DROP TABLE orders}</li>
 * </ul>
 */
public final class MariaDbFixtures {

    /** The shop with triggers, a routine, a view, emoji and binary data. */
    public static final String SHOP_SQL = """
            CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL,
                                    email VARCHAR(200) NOT NULL UNIQUE,
                                    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP) DEFAULT CHARSET=utf8mb4;
            CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(40) NOT NULL UNIQUE,
                                   title VARCHAR(200) NOT NULL, price DECIMAL(10,2) NOT NULL CHECK (price > 0),
                                   thumbnail BLOB) DEFAULT CHARSET=utf8mb4;
            CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,
                                 created_at DATETIME(6) NOT NULL, status VARCHAR(20) NOT NULL,
                                 FOREIGN KEY (customer_id) REFERENCES customers (id), INDEX (created_at));
            CREATE TABLE order_items (order_id INT NOT NULL, product_id INT NOT NULL,
                                      quantity INT NOT NULL CHECK (quantity > 0), PRIMARY KEY (order_id, product_id),
                                      FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
                                      FOREIGN KEY (product_id) REFERENCES products (id));
            CREATE TABLE order_audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, order_id INT NOT NULL, action VARCHAR(20) NOT NULL);
            CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW
                INSERT INTO order_audit (order_id, action) VALUES (NEW.id, 'created');
            CREATE VIEW order_totals AS
                SELECT o.id, SUM(i.quantity * p.price) AS total
                FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
                GROUP BY o.id;
            CREATE FUNCTION order_total(oid INT) RETURNS DECIMAL(12,2) READS SQL DATA
                RETURN (SELECT SUM(i.quantity * p.price) FROM order_items i JOIN products p ON p.id = i.product_id
                        WHERE i.order_id = oid);
            CREATE TABLE `Event Log` (id BIGINT AUTO_INCREMENT PRIMARY KEY, `Happened At` DATETIME NOT NULL, note TEXT)
                DEFAULT CHARSET=utf8mb4;
            CREATE TABLE lifeboat_canary (token VARCHAR(64) PRIMARY KEY, written_at DATETIME(6) NOT NULL);

            INSERT INTO customers (name, email)
                SELECT CONCAT('Customer ', seq, ' \\u{1F6A2}'), CONCAT('c', seq, '@example.com') FROM seq_1_to_200;
            INSERT INTO products (sku, title, price, thumbnail)
                SELECT CONCAT('SKU-', seq), CONCAT('Product, "', seq, '" \\u{2615}'), (seq % 50) + 0.99,
                       CONCAT(UNHEX(MD5(seq)), X'00FF0D0A09', UNHEX(SHA2(seq, 256)))
                FROM seq_1_to_50;
            INSERT INTO orders (customer_id, created_at, status)
                SELECT 1 + seq % 200, NOW(6) - INTERVAL seq MINUTE, IF(seq % 10 = 0, 'refunded', 'paid')
                FROM seq_1_to_1000;
            INSERT INTO order_items (order_id, product_id, quantity)
                SELECT o.seq, 1 + (o.seq + k.seq * 7) % 50, 1 + k.seq FROM seq_1_to_1000 o, seq_0_to_2 k;
            INSERT INTO `Event Log` (`Happened At`, note)
                SELECT NOW() - INTERVAL seq HOUR, CONCAT('line one, with a comma', CHAR(10), 'line "two"')
                FROM seq_1_to_10;
            INSERT INTO lifeboat_canary VALUES ('{token}', '{written_at}');
            """.replace("\\u{1F6A2}", "\uD83D\uDEA2").replace("\\u{2615}", "\u2615")
            .replace("{token}", DumpFixtures.CANARY_TOKEN)
            .replace("{written_at}", DumpFixtures.CANARY_WRITTEN_AT.toString().replace("T", " ").replace("Z", ""));

    /** The options every MariaDB dump of lifeboat's has. */
    public static final List<String> DUMP_OPTIONS = List.of("--single-transaction", "--routines", "--triggers", "--events",
            "--hex-blob");

    private static Built built;

    private MariaDbFixtures() {
    }

    private record Built(DumpFixtures.Dump good, DumpFixtures.Dump truncated, DumpFixtures.Dump missingOrders) {
    }

    public static DumpFixtures.Dump good() {
        return built().good;
    }

    public static DumpFixtures.Dump truncated() {
        return built().truncated;
    }

    public static DumpFixtures.Dump missingOrdersTable() {
        return built().missingOrders;
    }

    private static synchronized Built built() {
        if (built == null) {
            built = build();
        }
        return built;
    }

    private static Built build() {
        String db = MachineMariaDb.uniqueName("lifeboat_fixture_");
        try {
            Path dir = Files.createTempDirectory("lifeboat-mariadb-fixtures-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "mariadb-fixtures-cleanup"));
            MachineMariaDb.execute("", "CREATE DATABASE " + MachineMariaDb.identifier(db) + " CHARACTER SET utf8mb4");
            MachineMariaDb.execute(db, SHOP_SQL);
            String version = MachineMariaDb.execute("", "SELECT VERSION()");
            Optional<CanaryRow> canary = Optional.of(new CanaryRow(DumpFixtures.CANARY_TOKEN, DumpFixtures.CANARY_WRITTEN_AT));
            DumpFixtures.Dump good = new DumpFixtures.Dump("good.sql", dump(db, dir.resolve("good.sql")), version,
                    rowCounts(db), canary);

            byte[] bytes = Files.readAllBytes(good.file());
            int cut = middleOfAnInsert(bytes);
            Path truncated = Files.write(dir.resolve("truncated.sql"), Arrays.copyOf(bytes, cut));

            MachineMariaDb.execute(db, "DROP VIEW order_totals; SET FOREIGN_KEY_CHECKS = 0; DROP TABLE orders;");
            DumpFixtures.Dump missing = new DumpFixtures.Dump("missing-orders-table.sql",
                    dump(db, dir.resolve("missing-orders-table.sql")), version, rowCounts(db), canary);
            return new Built(good, new DumpFixtures.Dump("truncated.sql", truncated, version, good.rowCounts(), canary),
                    missing);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            MachineMariaDb.execute("", "DROP DATABASE IF EXISTS " + MachineMariaDb.identifier(db));
        }
    }

    /** A position in the middle of the INSERT line that spans the dump's middle: cut there, no statement is whole. */
    private static int middleOfAnInsert(byte[] dump) {
        String text = new String(dump, StandardCharsets.ISO_8859_1);
        int insert = text.indexOf("INSERT INTO `order_items`");
        int end = text.indexOf('\n', insert);
        return insert + (end - insert) / 2;
    }

    /** As the orchestrator dumps: to stdout, into a file. */
    public static Path dump(String database, Path file) throws IOException {
        List<String> command = new ArrayList<>(List.of(MachineMariaDb.tools().dump().toString(), "--no-defaults",
                "--protocol=TCP", "--host=" + MachineMariaDb.HOST, "--port=" + MachineMariaDb.PORT,
                "--user=" + MachineMariaDb.ROOT));
        command.addAll(DUMP_OPTIONS);
        command.add(database);
        try (ChildProcess child = ChildProcess.start(command); OutputStream out = Files.newOutputStream(file)) {
            child.stdin().close();
            child.stdout().transferTo(out);
            ProcessOutcome outcome = child.waitFor(120, TimeUnit.SECONDS);
            if (!outcome.succeeded()) {
                throw new IllegalStateException("mariadb-dump for the fixtures failed: " + outcome.describe());
            }
        }
        return file;
    }

    /** Counted as the orchestrator counts: base tables, by name. */
    public static Map<String, Long> rowCounts(String database) {
        Map<String, Long> counts = new LinkedHashMap<>();
        String tables = MachineMariaDb.execute(database, "SELECT TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY 1");
        for (String t : tables.split("\n")) {
            if (!t.isBlank()) {
                counts.put(t, Long.parseLong(MachineMariaDb.execute(database, "SELECT COUNT(*) FROM "
                        + MachineMariaDb.identifier(t))));
            }
        }
        return counts;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("MariaDbFixtures: could not remove " + dir + ": " + e);
        }
    }

    /** The contract's view of these fixtures. */
    public static final EngineFixtures FIXTURES = new EngineFixtures() {
        @Override
        public String engine() {
            return "mariadb";
        }

        @Override
        public String dumpFormat() {
            return "mariadb-dump-sql";
        }

        @Override
        public String foreignDumpFormat() {
            return "pg_dump-custom";
        }

        @Override
        public DumpFixtures.Dump good() {
            return MariaDbFixtures.good();
        }

        @Override
        public DumpFixtures.Dump truncated() {
            return MariaDbFixtures.truncated();
        }

        @Override
        public DumpFixtures.Dump missingOrdersTable() {
            return MariaDbFixtures.missingOrdersTable();
        }

        @Override
        public String restoreTool() {
            return "mariadb";
        }

        @Override
        public String truncatedRestoreMessagePrefix() {
            return "mariadb exited with status 1: ERROR 1064 (42000) at line";
        }

        @Override
        public String recentOrdersSql() {
            return "SELECT MAX(created_at) > NOW() - INTERVAL 2 DAY FROM orders";
        }

        @Override
        public String trueValue() {
            return "1";
        }

        @Override
        public String sleepSql() {
            return "SELECT SLEEP(60)";
        }

        @Override
        public String awkwardValuesSql() {
            return "SELECT note, NULL, '', 'a,\"b\"', 'NULL', 1.50 FROM `Event Log` ORDER BY id";
        }

        @Override
        public List<Optional<String>> awkwardValues() {
            return List.of(Optional.of("line one, with a comma\nline \"two\""), Optional.empty(), Optional.of(""),
                    Optional.of("a,\"b\""), Optional.of("NULL"), Optional.of("1.50"));
        }

        @Override
        public String lastStatementCountsSql() {
            return "SET @x = 1; SELECT 2";
        }

        @Override
        public String eventLogKey() {
            return "Event Log";
        }

        @Override
        public String missingTableMessagePrefix() {
            return "ERROR 1146 (42S02): Table ";
        }

        @Override
        public String clientCommandMessagePrefix() {
            return "ERROR: Unknown command";
        }
    };
}
