package io.lifeboat.demo;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.BackupEntry;
import io.lifeboat.backup.BackupResult;
import io.lifeboat.backup.Manifest;
import io.lifeboat.backup.Progress;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import io.lifeboat.drill.DrillService;
import io.lifeboat.drills.Outcome;
import io.lifeboat.storage.StorageTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * lifeboat's main job on embedded defaults, with nothing configured: a private PostgreSQL with
 * a sample shop, a backup of it through the real pipeline into a {@code file://} repository,
 * the listing, and a restore of that backup (SHA-256 verified, decrypted with the identity the
 * backup side never saw) whose row counts must match the manifest's.
 */
public final class Demo {

    private final Application app;
    private final PrintWriter log;

    public Demo(Application app, PrintWriter log) {
        this.app = app;
        this.log = log;
    }

    /** Runs the demo in {@code workDir} (which must exist and be empty) and reports what happened. */
    public DemoResult run(Path workDir) {
        long t0 = System.nanoTime();
        PostgresInstallations installations = PostgresInstallations.discover();
        step("starting a private PostgreSQL " + installations.newestServer().version() + " in " + workDir);
        Path clusters = workDir.resolve("clusters");
        try {
            Files.createDirectory(clusters, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (PrivatePostgresCluster pg = PrivatePostgresCluster.start(installations.newestServer(),
                PrivatePostgresCluster.Options.withTcp(clusters))) {
            pg.createDatabase("shop");
            pg.execute("shop", resource("shop.sql"));
            step("loaded the sample shop: customers, products, orders, order_items");

            AgeEncryption.AgeKeyPair keys = AgeEncryption.generateKeyPair();
            Path identity = workDir.resolve("drill.agekey");
            AgeEncryption.writeIdentityFile(identity, keys);
            Path password = workDir.resolve("shop.password");
            Files.createFile(password, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(password, pg.jdbcProperties().getProperty("password") + "\n");
            Path repository = workDir.resolve("repository");
            Path configFile = workDir.resolve("lifeboat.yaml");
            Files.writeString(configFile, config(pg.tcpPort().getAsInt(), password, repository, keys.recipient(), identity));
            LifeboatConfig config = app.loadConfig(configFile);
            SourceConfig source = config.source("shop");
            step("wrote " + configFile + " (age key pair generated; the backup side gets only the public key)");

            BackupResult backup;
            try (StorageTarget writer = app.openForWriting(config.targetOf(source))) {
                backup = app.pipeline(config, source, writer).run(source, Progress.NONE);
            }
            Manifest m = backup.manifest();
            step(String.format(Locale.ROOT, "backup %s: %d bytes dumped, %d stored, sha256 %s…",
                    m.backupId(), m.rawBytes(), m.storedBytes(), m.sha256().substring(0, 16)));

            List<BackupEntry> listed;
            try (StorageTarget reader = app.openForReading(config.targetOf(source))) {
                listed = app.lister(reader).list("shop");
            }
            step("listed: " + listed.size() + " backup(s), newest " + listed.get(0).id() + " " + listed.get(0).status());
            step("drill shop-demo: restoring the newest backup into an ephemeral sandbox and running its checks");
            DrillService.DrillRun drill = new DrillService(app).run(config, "shop-demo", Optional.empty());
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new DemoResult(drill, m, listed.size(), seconds);
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "demo: " + e.getMessage(), e);
        }
    }

    private static String config(int port, Path password, Path repository, String recipient, Path identity) {
        return """
                # Written by 'lifeboat demo'. A file:// target is for trials only: it is inside the blast radius.
                state_dir: %s
                sources:
                  shop:
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    database: shop
                    user: postgres
                    password_file: %s
                    target: local
                    canary: true
                targets:
                  local:
                    url: file://%s
                encryption:
                  recipients: [ "%s" ]
                  identity_file: %s
                drills:
                  shop-demo:
                    source: shop
                    sandbox: ephemeral
                    max_backup_age: 1h
                    max_restore_time: 5m
                    checks:
                      - name: orders present
                        sql: SELECT count(*) FROM orders
                        expect: ">= 5000"
                      - name: recent orders
                        sql: SELECT max(created_at) > now() - interval '2 days' FROM orders
                        expect: "true"
                      - name: revenue by country
                        sql: SELECT count(*) FROM revenue_by_country
                        expect: "= 8"
                      - name: every order has items
                        sql: SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)
                        expect: "= 0"
                """.formatted(repository.getParent().resolve("state"), port, password, repository, recipient, identity);
    }

    private void step(String text) {
        log.println("demo: " + text);
        log.flush();
    }

    private static String resource(String name) {
        try (InputStream in = Demo.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the demo showed.
     *
     * @param restoreMatches every table's restored row count equals the manifest's
     * @param manifest       the backup's manifest
     * @param listed         how many backups the listing found
     * @param mismatches     tables whose counts differ, empty when all match
     * @param seconds        wall time of the whole demo
     */
    public record DemoResult(DrillService.DrillRun drill, Manifest manifest, int listed, double seconds) {
        public boolean passed() {
            return drill.result().outcome() == Outcome.PASSED;
        }
    }
}
