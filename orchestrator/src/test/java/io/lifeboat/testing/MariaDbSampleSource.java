package io.lifeboat.testing;

import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.drills.testing.MachineMariaDb;
import io.lifeboat.drills.testing.MariaDbFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * A MariaDB source for backup tests: a throwaway database on the machine's MariaDB holding the
 * shop of {@link MariaDbFixtures#SHOP_SQL} (triggers, a function, a view, emoji, binary data) plus
 * a {@code notes} table of {@code rows} rows of about 100 bytes (so a dump can be made long enough
 * to kill), a login of its own with a random password in a 0600 file, and an age key pair. The
 * database and the login are dropped by {@link #close()}; nothing depends on earlier runs.
 */
public final class MariaDbSampleSource implements AutoCloseable {

    public final String database;
    public final String user;
    public final Path dir;
    public final Path passwordFile;
    public final Path identityFile;
    public final AgeEncryption.AgeKeyPair keys;
    private final String password;

    private MariaDbSampleSource(String database, String user, String password, Path dir, Path passwordFile,
                                Path identityFile, AgeEncryption.AgeKeyPair keys) {
        this.database = database;
        this.user = user;
        this.password = password;
        this.dir = dir;
        this.passwordFile = passwordFile;
        this.identityFile = identityFile;
        this.keys = keys;
    }

    public static MariaDbSampleSource start(Path dir, int rows) {
        String database = MachineMariaDb.uniqueName("lifeboat_src_");
        String user = MachineMariaDb.uniqueName("lb_src_");
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = "s3cr3t#" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        MachineMariaDb.execute("", "CREATE DATABASE " + MachineMariaDb.identifier(database) + " CHARACTER SET utf8mb4");
        try {
            MachineMariaDb.execute(database, MariaDbFixtures.SHOP_SQL + """
                    CREATE TABLE notes (id BIGINT PRIMARY KEY, body VARCHAR(200) NOT NULL);
                    INSERT INTO notes SELECT seq, CONCAT(MD5(seq), SHA1(seq * 3), MD5(seq * 7)) FROM seq_1_to_%d;
                    CREATE TABLE `Empty "Table"` (x INT);
                    DELETE FROM lifeboat_canary;
                    """.formatted(rows));
            String account = "'" + user + "'@'127.0.0.1'";
            // what a backup login needs: read everything of the database, routines' bodies, and
            // CREATE and INSERT for the canary table
            MachineMariaDb.execute("", "CREATE USER " + account + " IDENTIFIED BY '" + password + "';"
                    + " GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, CREATE, INSERT ON "
                    + MachineMariaDb.identifier(database) + ".* TO " + account + ";"
                    + " GRANT SELECT ON mysql.proc TO " + account + ";");
            Path passwordFile = dir.resolve("source.password");
            Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, password + "\n");
            AgeEncryption.AgeKeyPair keys = AgeEncryption.generateKeyPair();
            Path identityFile = dir.resolve("drill.agekey");
            AgeEncryption.writeIdentityFile(identityFile, keys);
            return new MariaDbSampleSource(database, user, password, dir, passwordFile, identityFile, keys);
        } catch (IOException | RuntimeException e) {
            drop(database, user);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The login's password: the secret tests scan every output for. */
    public String password() {
        return password;
    }

    /** Row counts per table as the server sees them now. */
    public Map<String, Long> rowCounts() {
        return MariaDbFixtures.rowCounts(database);
    }

    /**
     * A configuration with source {@code shop} (this database) writing to a target whose YAML body
     * is {@code targetYaml}, extra top-level sections, and the canary if asked.
     */
    public Path writeConfig(String targetYaml, String extraYaml, boolean canary) {
        return TestConfigs.write(dir, """
                engine: mariadb
                host: %s
                port: %d
                database: %s
                user: %s
                password_file: %s
                sslmode: disable
                target: vault
                canary: %s
                """.formatted(MachineMariaDb.HOST, MachineMariaDb.PORT, database, user, passwordFile, canary), targetYaml,
                keys.recipient(), identityFile, extraYaml);
    }

    @Override
    public void close() {
        drop(database, user);
    }

    private static void drop(String database, String user) {
        MachineMariaDb.execute("", "DROP DATABASE IF EXISTS " + MachineMariaDb.identifier(database) + ";"
                + " DROP USER IF EXISTS '" + user + "'@'127.0.0.1';");
    }
}
