package io.lifeboat.drills.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule of the guard, and the spellings of one host it must see through. */
class SandboxGuardTest {

    static final SandboxServer SANDBOX = new SandboxServer("scratch", "127.0.0.1", 5433, "drills", Optional.empty(), "prefer");
    static final ProtectedDatabase SHOP = new ProtectedDatabase("shop", "localhost", 5433, "lifeboat_drill_shop");
    static final ProtectedDatabase BILLING = new ProtectedDatabase("billing", "db.billing.invalid", 5432, "billing");
    static final SandboxGuard GUARD = new SandboxGuard(List.of(SHOP, BILLING), List.of(SANDBOX));

    @Test
    void acceptsAPrefixedDatabaseOnADeclaredServer() {
        assertDoesNotThrow(() -> GUARD.check("127.0.0.1", 5433, "lifeboat_drill_shop_quarterly_1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]", "127.0.0.2", "0:0:0:0:0:0:0:1"})
    void seesThroughSpellingsOfThisMachine(String host) {
        assertDoesNotThrow(() -> GUARD.check(host, 5433, "lifeboat_drill_x"));
        SandboxRefusedException e = assertThrows(SandboxRefusedException.class,
                () -> GUARD.check(host, 5433, "lifeboat_drill_shop"));
        assertTrue(e.getMessage().contains(SandboxGuard.RULE_SOURCE) && e.getMessage().contains("source \"shop\""),
                e.getMessage());
    }

    @Test
    void aSocketDirectoryIsThisMachineToo() {
        SandboxRefusedException e = assertThrows(SandboxRefusedException.class,
                () -> GUARD.check("/var/run/postgresql", 5433, "lifeboat_drill_shop"));
        assertTrue(e.getMessage().contains(SandboxGuard.RULE_SOURCE), e.getMessage());
    }

    @Test
    void refusesASourceEvenWhenEverythingElseIsFine() {
        SandboxRefusedException e = assertThrows(SandboxRefusedException.class,
                () -> GUARD.check("127.0.0.1", 5433, "lifeboat_drill_shop"));
        assertEquals("sandbox guard refused to restore into 127.0.0.1:5433/lifeboat_drill_shop: it matches a configured"
                + " source (source \"shop\" at localhost:5433/lifeboat_drill_shop)", e.getMessage());
    }

    @Test
    void refusesANameWithoutTheDrillPrefix() {
        SandboxRefusedException e = assertThrows(SandboxRefusedException.class,
                () -> GUARD.check("127.0.0.1", 5433, "shop_copy"));
        assertTrue(e.getMessage().startsWith("sandbox guard refused to restore into 127.0.0.1:5433/shop_copy: "
                + SandboxGuard.RULE_PREFIX), e.getMessage());
    }

    @Test
    void refusesAServerThatIsNotDeclared() {
        SandboxRefusedException other = assertThrows(SandboxRefusedException.class,
                () -> GUARD.check("127.0.0.1", 5432, "lifeboat_drill_x"));
        assertEquals("sandbox guard refused to restore into 127.0.0.1:5432/lifeboat_drill_x: it is not a declared"
                + " sandbox server (declared: scratch at 127.0.0.1:5433)", other.getMessage());
        assertThrows(SandboxRefusedException.class, () -> GUARD.check("db.billing.invalid", 5433, "lifeboat_drill_x"),
                "the same port on another host is another server");
        SandboxRefusedException none = assertThrows(SandboxRefusedException.class,
                () -> new SandboxGuard(List.of(), List.of()).check("127.0.0.1", 5433, "lifeboat_drill_x"));
        assertTrue(none.getMessage().contains("no sandbox servers are declared"), none.getMessage());
    }

    @Test
    void unresolvableNamesStillMatchBySpelling() {
        SandboxServer remote = new SandboxServer("remote", "Sandbox.Example.Invalid", 5432, "u", Optional.empty(), "require");
        SandboxGuard guard = new SandboxGuard(List.of(new ProtectedDatabase("p", "SANDBOX.example.invalid", 5432,
                "lifeboat_drill_p")), List.of(remote));
        assertDoesNotThrow(() -> guard.check("sandbox.example.invalid", 5432, "lifeboat_drill_other"));
        assertThrows(SandboxRefusedException.class, () -> guard.check("sandbox.example.invalid", 5432, "lifeboat_drill_p"));
    }
}
