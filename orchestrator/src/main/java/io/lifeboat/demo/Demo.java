package io.lifeboat.demo;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.BackupEntry;
import io.lifeboat.backup.BackupReader;
import io.lifeboat.backup.BackupResult;
import io.lifeboat.backup.Manifest;
import io.lifeboat.backup.Progress;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.drills.postgres.PostgresInstallations;
import io.lifeboat.drills.postgres.PrivatePostgresCluster;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.storage.StorageTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

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
                step("listed: " + listed.size() + " backup(s), newest " + listed.get(0).id() + " " + listed.get(0).status());
                Map<String, Long> restored = restore(pg, reader, m, identity);
                List<String> mismatches = new ArrayList<>();
                for (Map.Entry<String, Long> e : new TreeMap<>(m.rowCounts()).entrySet()) {
                    Long got = restored.get(e.getKey());
                    if (!e.getValue().equals(got)) {
                        mismatches.add(e.getKey() + ": manifest " + e.getValue() + ", restored " + got);
                    }
                }
                long rows = m.rowCounts().values().stream().mapToLong(Long::longValue).sum();
                if (mismatches.isEmpty()) {
                    step("restored into shop_restored: " + m.rowCounts().size() + " tables, " + rows
                            + " rows, every count matches the manifest");
                } else {
                    step("restore MISMATCH: " + String.join("; ", mismatches));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new DemoResult(mismatches.isEmpty(), m, listed.size(), mismatches, seconds);
            }
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "demo: " + e.getMessage(), e);
        }
    }

    /** Streams the backup into a fresh database through pg_restore and returns its row counts. */
    private Map<String, Long> restore(PrivatePostgresCluster pg, StorageTarget reader, Manifest m, Path identity)
            throws IOException {
        pg.createDatabase("shop_restored");
        List<String> command = List.of(pg.installation().tool("pg_restore").toString(), "--no-owner", "--exit-on-error",
                "-h", pg.socketDir().toString(), "-p", Integer.toString(pg.port()), "-U", PrivatePostgresCluster.SUPERUSER,
                "-d", "shop_restored");
        try (BackupReader.VerifiedDump dump = BackupReader.open(reader, m, identity);
             ChildProcess restore = ChildProcess.start(command, Map.of(), Optional.empty(), Optional.empty())) {
            try (OutputStream in = restore.stdin()) {
                dump.transferTo(in);
            }
            restore.stdout().transferTo(OutputStream.nullOutputStream());
            ProcessOutcome outcome = restore.waitFor(10, TimeUnit.MINUTES);
            dump.verify();
            if (!outcome.succeeded()) {
                throw new LifeboatException(ExitCode.FAILED, "demo restore failed: " + outcome.describe());
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        for (String table : m.rowCounts().keySet()) {
            String[] parts = table.split("\\.", 2);
            String n = pg.execute("shop_restored", "SELECT count(*) FROM ONLY " + PrivatePostgresCluster.quoteIdentifier(parts[0])
                    + "." + PrivatePostgresCluster.quoteIdentifier(parts[1]) + ";");
            counts.put(table, Long.parseLong(n.strip()));
        }
        return counts;
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
                targets:
                  local:
                    url: file://%s
                encryption:
                  recipients: [ "%s" ]
                  identity_file: %s
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
    public record DemoResult(boolean restoreMatches, Manifest manifest, int listed, List<String> mismatches, double seconds) {
    }
}
