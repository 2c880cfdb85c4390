package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.testing.DumpFixtures;
import io.lifeboat.drills.testing.MariaDbFixtures;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What every MariaDB sandbox must do with the shop's good dump beyond the contract's tables:
 * triggers restored once and firing afterwards, the view and the function, utf8mb4 emoji and
 * binary data byte for byte.
 */
final class ShopRestore {

    private ShopRestore() {
    }

    /** Restores {@link MariaDbFixtures#good()} into {@code sandbox} and checks what a real schema has besides tables. */
    static void assertRestoresWhole(Sandbox sandbox) throws Exception {
        DumpFixtures.restore(sandbox, MariaDbFixtures.good().file(), MariaDbDumpFormats.SQL);
        Duration t = Duration.ofSeconds(30);
        assertEquals(Optional.of("1000"), sandbox.query("SELECT COUNT(*) FROM order_audit", t).value(),
                "the trigger's rows are restored once, not fired again by the restore");
        assertEquals(Optional.of("1"), sandbox.query("SELECT COUNT(*) FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = DATABASE()", t).value());
        sandbox.query("INSERT INTO orders (customer_id, created_at, status) VALUES (1, NOW(), 'paid');"
                + " SELECT 1", t);
        assertEquals(Optional.of("1001"), sandbox.query("SELECT COUNT(*) FROM order_audit", t).value(),
                "the restored trigger fires (its definer is the sandbox's own login)");
        assertEquals(sandbox.query("SELECT total FROM order_totals WHERE id = 7", t).value(),
                sandbox.query("SELECT order_total(7)", t).value(), "the view and the function agree");
        assertEquals(Optional.of("Customer 1 \uD83D\uDEA2"), sandbox.query("SELECT name FROM customers WHERE id = 1", t).value());
        assertEquals(Optional.of("1"), sandbox.query("SELECT thumbnail = CONCAT(UNHEX(MD5(1)), X'00FF0D0A09',"
                + " UNHEX(SHA2(1, 256))) FROM products WHERE id = 1", t).value(), "binary data comes back byte for byte");
    }
}
