package io.lifeboat.report;

import io.lifeboat.Application;
import io.lifeboat.catalog.AuditOutcome;
import io.lifeboat.catalog.AuditRecord;
import io.lifeboat.catalog.BackupOutcome;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.drills.Outcome;
import io.lifeboat.engine.Engines;
import io.lifeboat.engine.postgres.PostgresEngine;
import io.lifeboat.testing.TestDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A configuration with four drills, three sources and four targets (their audits) in every state the report knows, and an H2
 * catalog seeded with their runs, judged at a fixed instant. Schedules are daily at 03:00, so
 * "passed this morning" is OK and "passed four days ago" is OVERDUE in any time zone.
 */
final class ReportFixture implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final String DAILY = "0 0 3 * * ?";

    final TestDirs dirs;
    final Path config;
    final Application app;

    ReportFixture(String name, boolean allGood) {
        dirs = TestDirs.create(name);
        config = dirs.dir.resolve("lifeboat.yaml");
        String yaml = """
                state_dir: %s
                sources:
                  shop:   { engine: postgres, host: 127.0.0.1, database: shop, user: postgres, target: vault, schedule: "%s" }
                  stale:  { engine: postgres, host: 127.0.0.1, database: stale, user: postgres, target: vault, max_backup_age: 26h }
                  broken: { engine: postgres, host: 127.0.0.1, database: broken, user: postgres, target: vault, schedule: "%s" }
                targets:
                  vault: { url: "file://%s", audit_schedule: "%s" }
                  audit-stale:   { url: "file://%s/stale", audit_schedule: "%s" }
                  audit-failing: { url: "file://%s/failing" }
                  audit-never:   { url: "file://%s/never", audit_schedule: "%s" }
                encryption:
                  recipients: [ "%s" ]
                drills:
                  shop-daily:     { source: shop, schedule: "%s" }
                  shop-stale:     { source: shop, schedule: "%s" }
                  shop-failing:   { source: shop, schedule: "%s" }
                  shop-never:     { source: shop }
                """.formatted(dirs.dir.resolve("state"), DAILY, DAILY, dirs.dir.resolve("repo"), DAILY,
                dirs.dir.resolve("repo"), DAILY, dirs.dir.resolve("repo"), dirs.dir.resolve("repo"), DAILY,
                AgeEncryption.generateKeyPair().recipient(), DAILY, DAILY, DAILY);
        if (allGood) {
            yaml = yaml.replaceAll("(?m)^  (stale|broken|audit-[a-z]+):.*\\n", "").replaceAll("(?m)^  shop-(stale|failing|never):.*\\n", "");
        }
        try {
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        app = new Application(new Engines(new PostgresEngine()), Clock.fixed(NOW, ZoneOffset.UTC));
        seed(app.catalog(app.loadConfig(config)));
        seedAudits(app.catalog(app.loadConfig(config)));
    }

    private static void seed(Catalog c) {
        Instant morning = Instant.parse("2026-11-24T03:00:00Z");
        for (int day = 6; day >= 0; day--) {
            Instant t = morning.minus(Duration.ofDays(day));
            c.recordBackup(backup("shop", t, BackupOutcome.SUCCEEDED, 1_000_000 + day * 10_000L, "stored"));
            c.recordDrill(drill("shop-daily", t.plusSeconds(600), Outcome.PASSED, Duration.ofSeconds(30 + day), "restored 3 tables"));
        }
        c.recordBackup(backup("stale", morning.minus(Duration.ofDays(3)), BackupOutcome.SUCCEEDED, 5_000, "stored"));
        c.recordBackup(backup("broken", morning.minus(Duration.ofDays(1)), BackupOutcome.SUCCEEDED, 5_000, "stored"));
        c.recordBackup(backup("broken", morning, BackupOutcome.FAILED, -1, "pg_dump: error: connection to server failed: <refused> & \"gone\""));
        c.recordDrill(drill("shop-stale", morning.minus(Duration.ofDays(4)), Outcome.PASSED, Duration.ofSeconds(40), "restored"));
        c.recordDrill(drill("shop-failing", morning.minus(Duration.ofDays(1)), Outcome.PASSED, Duration.ofSeconds(40), "restored"));
        c.recordDrill(drill("shop-failing", morning, Outcome.FAILED, Duration.ofSeconds(41),
                "checksum mismatch: manifest says 3f2a…, object is 9b1c… <script>alert(1)</script>"));
    }

    /** The newest audit of each target: vault WARN this morning, audit-stale PASS four days ago, audit-failing FAIL. */
    private static void seedAudits(Catalog c) {
        Instant morning = Instant.parse("2026-11-24T03:00:00Z");
        c.recordAudit(audit("vault", morning.minus(Duration.ofDays(1)), AuditOutcome.FAIL, "FAIL writer get: was allowed"));
        c.recordAudit(audit("vault", morning, AuditOutcome.WARN, "WARN writer account: the endpoint cannot tell (unknown)"));
        c.recordAudit(audit("audit-stale", morning.minus(Duration.ofDays(4)), AuditOutcome.PASS, "all 19 checks passed"));
        c.recordAudit(audit("audit-failing", morning, AuditOutcome.FAIL,
                "FAIL target blast-radius: file:// target <inside> the blast radius & \"reachable\""));
    }

    private static AuditRecord audit(String target, Instant t, AuditOutcome o, String worst) {
        return new AuditRecord(target, o, worst, t.plusSeconds(1800), t.plusSeconds(1805), RunOrigin.SCHEDULE, "test:1");
    }

    private static int seq;

    private static BackupRecord backup(String source, Instant t, BackupOutcome o, long bytes, String reason) {
        String id = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(t)
                + "-" + String.format("%08x", seq++);
        return new BackupRecord(source, o == BackupOutcome.SUCCEEDED ? Optional.of(id) : Optional.empty(), o, reason, t,
                t.plusSeconds(60), bytes < 0 ? -1 : bytes * 4, bytes, Optional.empty(), RunOrigin.SCHEDULE, "test:1");
    }

    private static DrillRecord drill(String name, Instant t, Outcome o, Duration restore, String reason) {
        return new DrillRecord(name, "shop", "run-" + (seq++), Optional.of("b"), o, reason, t, t.plusSeconds(120),
                Optional.of(Duration.ofMinutes(10)), Optional.of(restore), RunOrigin.SCHEDULE, "test:1");
    }

    @Override
    public void close() {
        dirs.close();
    }
}
