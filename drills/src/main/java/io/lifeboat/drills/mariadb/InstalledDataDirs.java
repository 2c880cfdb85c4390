package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.privateserver.PrivateDirectories;
import io.lifeboat.drills.privateserver.ServerAccount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data directory of a new private server, copied from one {@code mariadb-install-db} made
 * earlier instead of installed anew each time.
 *
 * <p>Why: {@code mariadb-install-db} bootstraps a server and writes about 110 MB of InnoDB files,
 * 3.5 s on this machine's 2 cores, for every drill and every test; a copy of the never-started
 * result takes a fraction of that and gives a server that cannot tell the difference (nothing in
 * a data directory names its path). The installed original, the <em>template</em>, sits beside
 * the servers in their parent directory, named by a key of the install program, the server
 * program (path, size and time, so an upgraded package gets a new template) and the install
 * options. It is made in a directory of its own and renamed into place only once the install
 * succeeded, so a template that exists is complete; two processes making one at once both
 * succeed and one rename wins.
 *
 * <p>Its name does not match the servers' orphan pattern ({@code lifeboat-my-<12 hex>}), so the
 * orphan reaper leaves it alone; installs that died half-way are removed after an hour.
 */
final class InstalledDataDirs {

    static final String TEMPLATE_PREFIX = "lifeboat-mytemplate-";
    private static final String PARTIAL = ".partial-";
    private static final Duration PARTIAL_AGE = Duration.ofHours(1);
    private static final long INSTALL_TIMEOUT_SECONDS = 180;
    static final List<String> INSTALL_OPTIONS = List.of("--no-defaults", "--auth-root-authentication-method=normal",
            "--skip-test-db", "--skip-name-resolve");
    /** How many times {@code mariadb-install-db} ran in this JVM (tests assert that copies replace it). */
    static final AtomicInteger INSTALLS = new AtomicInteger();

    private InstalledDataDirs() {
    }

    /**
     * Fills {@code dataDir} (which must not exist; its parent is owned by {@code account}) with
     * a freshly installed data directory owned by {@code account}.
     *
     * @return the template it was copied from
     * @throws MariaDbServerException naming the step that failed
     */
    static Path provide(MariaDbTools tools, ServerAccount account, Path parent, Path dataDir) {
        Path template = parent.resolve(TEMPLATE_PREFIX + key(tools));
        if (!Files.isDirectory(template.resolve("data"))) {
            make(tools, account, parent, template);
        }
        // as the server's account: the copy is its own; sparse, as the install wrote the redo log
        ProcessOutcome copy = account.run(List.of("cp", "-R", "--preserve=mode,timestamps", "--sparse=always",
                template.resolve("data").toString(), dataDir.toString()), template, INSTALL_TIMEOUT_SECONDS);
        if (!copy.succeeded()) {
            throw new MariaDbServerException("could not copy the installed data directory " + template.resolve("data")
                    + " to " + dataDir + " (as user " + account.name() + "): " + copy.describe()
                    + "; removing " + template + " makes the next server install it anew");
        }
        return template;
    }

    /**
     * Removes a template that a server copied from could not start on: the next server installs
     * it anew. A good one removed costs one install; a bad one kept would fail every drill.
     *
     * @return what to tell a person
     */
    static String discard(Path template) {
        try {
            PrivateDirectories.deleteTree(template);
            return "its data directory was a copy of " + template + ", which is removed: the next server installs it anew";
        } catch (IOException e) {
            return "its data directory was a copy of " + template + ", which could not be removed (" + e
                    + "): remove it by hand, and the next server installs it anew";
        }
    }

    private static void make(MariaDbTools tools, ServerAccount account, Path parent, Path template) {
        removeAbandoned(parent);
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        Path partial = parent.resolve(template.getFileName() + PARTIAL + HexFormat.of().formatHex(random));
        try {
            Files.createDirectory(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(partial.resolve("tmp"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            account.own(partial);
            account.own(partial.resolve("tmp"));
        } catch (IOException e) {
            throw new MariaDbServerException("could not create " + partial + " for an installed data directory: " + e, e);
        }
        try {
            List<String> command = new java.util.ArrayList<>(List.of(tools.installDb().orElseThrow().toString()));
            command.addAll(INSTALL_OPTIONS);
            command.add("--datadir=" + partial.resolve("data"));
            // A temporary directory of its own: a MariaDB server removes every "#sql…" file in its
            // tmpdir as it starts, so two installs bootstrapping in /tmp at once deleted each
            // other's temporary tables ("Could not remove temporary table … Unknown table
            // 'mysql.tmp_user_sys'", seen in InstalledDataDirsTest under CI).
            command.add("--tmpdir=" + partial.resolve("tmp"));
            INSTALLS.incrementAndGet();
            ProcessOutcome install = account.run(command, partial, INSTALL_TIMEOUT_SECONDS);
            if (!install.succeeded()) {
                throw new MariaDbServerException("mariadb-install-db (as user " + account.name() + ") failed in " + partial
                        + ": " + install.describe());
            }
            try {
                Files.move(partial, template, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // rename(2) onto a directory another process put in place first: its template is as good as ours
                if (!Files.isDirectory(template.resolve("data"))) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new MariaDbServerException("could not put the installed data directory " + partial + " in place as "
                    + template + ": " + e, e);
        } finally {
            if (Files.exists(partial)) {
                try {
                    PrivateDirectories.deleteTree(partial);
                } catch (IOException ignored) {
                    // removed with the abandoned ones after an hour
                }
            }
        }
    }

    /** Installs of processes that died half-way: partial directories older than an hour. */
    private static void removeAbandoned(Path parent) {
        Instant before = Instant.now().minus(PARTIAL_AGE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, TEMPLATE_PREFIX + "*" + PARTIAL + "*")) {
            for (Path p : entries) {
                FileTime modified = Files.getLastModifiedTime(p);
                if (modified.toInstant().isBefore(before)) {
                    PrivateDirectories.deleteTree(p);
                }
            }
        } catch (IOException ignored) {
            // best effort: a leftover costs disk, not correctness
        }
    }

    /** Install program, server program (path, size, time) and options: a new package or option gets a new template. */
    static String key(MariaDbTools tools) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Path installDb = tools.installDb().orElseThrow();
            Path server = tools.server().orElseThrow();
            StringBuilder s = new StringBuilder().append(installDb).append('\n').append(server).append('\n');
            for (Path p : List.of(installDb, server)) {
                s.append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
            }
            s.append(String.join(" ", INSTALL_OPTIONS));
            return HexFormat.of().formatHex(sha.digest(s.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (IOException e) {
            throw new MariaDbServerException("cannot read the MariaDB server programs: " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
