package io.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.CatalogDatabase;
import io.lifeboat.config.CatalogConfig;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.LifeboatProcess;
import io.lifeboat.testing.SampleSource;
import io.lifeboat.testing.SharedSampleSource;
import io.lifeboat.testing.WebhookListener;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code approval} gate with two real OS users: the request is made by a user this test
 * creates (an automated caller, e.g. the service account lifeboat runs as), its code arrives at a
 * real webhook listener, and the approval is run by root (this test's JVM).
 *
 * <p>Permission model, as in production: the requester owns the state directory, the secrets
 * (password and identity files, 0600) and its request file (0600); the approver is root (a
 * person using sudo), who can read them. Tests run as root, so the test hands the per-test
 * directory to the requester with chown, and copies the classpath (under /root, which only root
 * can enter) to a place the requester can read.
 *
 * <p>Both users record their steps in the catalog, the default H2 file in the state directory:
 * the first backup (run by root, in this JVM) creates it and its 0600 password file, and the chown
 * hands both to the requester, as if the service account had made them. The requester then opens
 * its own file, or reaches it through the AUTO_SERVER of whichever process has it open; root can
 * read the password file and write the database file whoever owns them. An approver who is
 * neither root nor the service account could not open the catalog, nor read the request file in
 * the first place: approving takes root (sudo), by design.
 */
class RestoreApprovalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUESTER = "lb-restore-req";

    @RegisterExtension
    static final SharedSampleSource SHOP = new SharedSampleSource(2_000);

    static Path shared;
    static SampleSource source;
    static String requesterClasspath;
    static int requesterUid;
    static boolean createdUser;

    @BeforeAll
    static void setUp() throws Exception {
        source = SHOP.source();
        shared = SHOP.dir();
        if (LifeboatProcess.run(List.of("id", "-u", REQUESTER)).exitCode() != 0) {
            LifeboatProcess.Run add = LifeboatProcess.run(List.of("useradd", "--system", "--no-create-home", "--shell",
                    "/usr/sbin/nologin", REQUESTER));
            assertEquals(0, add.exitCode(), add.all());
            createdUser = true;
        }
        requesterUid = Integer.parseInt(LifeboatProcess.run(List.of("id", "-u", REQUESTER)).out().strip());
        requesterClasspath = copyClasspath(shared.resolve("classpath"));
    }

    @AfterAll
    static void tearDown() {
        if (createdUser) {
            LifeboatProcess.run(List.of("userdel", REQUESTER));
        }
    }

    /** Every classpath entry copied where any user can read it (surefire's manifest-only jar expanded). */
    private static String copyClasspath(Path to) throws IOException {
        List<Path> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (p.getFileName().toString().startsWith("surefirebooter")) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    for (String url : jar.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
                        entries.add(Path.of(java.net.URI.create(url)));
                    }
                }
            } else {
                entries.add(p);
            }
        }
        Files.createDirectories(to);
        List<String> copied = new ArrayList<>();
        int i = 0;
        for (Path e : entries) {
            if (!Files.exists(e)) {
                continue;
            }
            Path target = to.resolve(i++ + "-" + e.getFileName());
            if (Files.isDirectory(e)) {
                try (Stream<Path> files = Files.walk(e)) {
                    for (Path f : files.toList()) {
                        Path t = target.resolve(e.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(e, target);
            }
            copied.add(target.toString());
        }
        LifeboatProcess.run(List.of("chmod", "-R", "a+rX", to.toString()));
        return String.join(File.pathSeparator, copied);
    }

    @TempDir
    Path dir;

    @RegisterExtension
    final WebhookListener webhook = new WebhookListener();
    final List<String> posts = webhook.posts;

    /** A configuration with the approval gate, its files in {@code dir}, and a backup; all handed to the requester. */
    private Path configWithBackup(String expiry) throws IOException {
        Path password = dir.resolve("shop.password");
        Path identity = dir.resolve("drill.agekey");
        Files.copy(source.passwordFile, password);
        Files.copy(source.identityFile, identity);
        Path config = source.writeConfig("url: file://" + dir.resolve("repo"), source.port(), """
                drills:
                  shop-drill:
                    source: shop
                    sandbox: ephemeral
                alerts:
                  webhook_url: http://127.0.0.1:%d/hook
                """.formatted(webhook.port()), false);
        Path mine = dir.resolve("lifeboat.yaml");
        Files.writeString(mine, Files.readString(config)
                .replace(shared.resolve("state").toString(), dir.resolve("state").toString())
                .replace(source.passwordFile.toString(), password.toString())
                .replace(source.identityFile.toString(), identity.toString())
                .replace("    canary: false\n", "    canary: false\n    restore_gate: approval\n    restore_request_expiry: "
                        + expiry + "\n"));
        Files.delete(config);
        Cli.Run b = Cli.run("--config", mine.toString(), "backup", "run", "shop");
        assertEquals(0, b.exitCode(), b.all());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, LifeboatProcess.run(List.of("chown", "-R", REQUESTER, dir.toString())).exitCode());
        return mine;
    }

    private LifeboatProcess.Run asRequester(String... args) {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", REQUESTER, "--"));
        command.addAll(LifeboatProcess.commandWithClasspath(requesterClasspath, args));
        return LifeboatProcess.run(command);
    }

    /** Requests a restore as the requester; returns the request id and the code the webhook received. */
    private String[] request(Path config) throws IOException {
        LifeboatProcess.Run run = asRequester("--config", config.toString(), "restore", "shop", "--apply", "--format", "json");
        assertEquals(0, run.exitCode(), run.all());
        String id = JSON.readTree(run.out()).get("request").asText();
        assertEquals(1, posts.size(), "the code goes to the webhook, once: " + posts);
        JsonNode post = JSON.readTree(posts.remove(0));
        String code = post.get("code").asText();
        assertTrue(post.get("text").asText().contains("lifeboat restore approve " + id + " and types the code " + code + " when asked"), post.toString());
        assertFalse(run.all().contains(code), "the requester must not see the code:\n" + run.all());
        Path file = dir.resolve("state/restore-requests/" + id + ".json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(requesterUid, OsUser.ownerUid(file));
        assertFalse(Files.readString(file).contains(code), "the request file holds a hash, never the code");
        return new String[] {id, code};
    }

    /**
     * The steps as the catalog has them, read back through {@link Catalog}. Both users wrote them
     * there (the requester's steps and root's), so the JSON-lines fallback file must not exist.
     */
    private List<RestoreJournal.Entry> journal() {
        assertFalse(Files.exists(new JsonLinesRestoreJournal(dir.resolve("state")).file()),
                "every step reached the catalog, none the fallback file");
        Catalog catalog = new Catalog(CatalogDatabase.open(CatalogConfig.inStateDir(dir.resolve("state"))));
        return catalog.restoreEvents().stream().map(CatalogRestoreJournal::entry).toList();
    }

    private static List<String> restoredDatabases() {
        return Stream.of(source.pg.execute("postgres", "SELECT datname FROM pg_database ORDER BY 1;").split("\n"))
                .map(String::strip).filter(d -> d.startsWith("shop_")).toList();
    }

    @Test
    void anotherUserApprovesOnceTheRestoreRunsAndTheJournalHasEveryStep() throws IOException {
        Path config = configWithBackup("10m");
        Map<String, Long> atBackup = source.rowCounts("shop");
        String[] request = request(config);
        String id = request[0];
        String code = request[1];

        LifeboatProcess.Run self = asRequester("--config", config.toString(), "restore", "approve", id, "--code-file",
                requestersCodeFile(code).toString());
        assertEquals(2, self.exitCode(), self.all());
        assertTrue(self.err().contains("a different OS user must approve"), self.err());

        // root approves, typing the code on its terminal (so the code is in no process's argv)
        Path out = dir.resolve("approve.json");
        LifeboatProcess.Run approve = LifeboatProcess.onTerminal(LifeboatProcess.shell(LifeboatProcess.command("--config",
                config.toString(), "restore", "approve", id, "--format", "json")) + " >'" + out + "'",
                screen -> screen.contains("one-time code of restore request " + id + ": ") ? code + "\n" : null);
        String stdout = Files.readString(out);
        assertEquals(0, approve.exitCode(), approve.out() + "\n" + stdout);
        JsonNode result = JSON.readTree(stdout);
        String database = result.get("database").asText();
        assertEquals(atBackup, source.rowCounts(database), "the data is the source's at backup time");
        assertFalse(stdout.contains(code) || approve.out().contains(source.password()));

        Cli.Run again = Cli.run("--config", config.toString(), "restore", "approve", id, "--code-file", codeFile(code).toString());
        assertEquals(2, again.exitCode(), again.all());
        assertTrue(again.err().contains("a code works once"), again.err());

        List<RestoreJournal.Entry> journal = journal();
        assertEquals(List.of(RestoreJournal.Event.REQUESTED, RestoreJournal.Event.CODE_SENT, RestoreJournal.Event.REFUSED,
                RestoreJournal.Event.APPROVED, RestoreJournal.Event.RESTORED, RestoreJournal.Event.REFUSED),
                journal.stream().map(RestoreJournal.Entry::event).toList(), journal.toString());
        assertEquals(requesterUid, journal.get(0).uid());
        assertEquals(0, journal.get(3).uid(), "approved by root");
        assertTrue(journal.stream().noneMatch(e -> e.detail().contains(code)), "the catalog never holds the code");
        assertTrue(journal.stream().allMatch(e -> e.request().equals(id) && e.source().equals("shop")
                && e.database().equals(database) && !e.backupId().isEmpty()), journal.toString());
        assertEquals(1, journal.stream().map(RestoreJournal.Entry::backupId).distinct().count(), journal.toString());
        source.pg.execute("postgres", "DROP DATABASE \"" + database + "\";");
    }

    @Test
    void anExpiredRequestIsRefused() throws Exception {
        Path config = configWithBackup("2s");
        String[] request = request(config);
        Thread.sleep(2_500);
        // the code on standard input ('-' in the CODE place), as a script piping it from where the webhook
        // delivered it would
        LifeboatProcess.Run approve = LifeboatProcess.run(List.of("bash", "-c", "printf '%s\\n' \"$CODE\" | "
                + LifeboatProcess.shell(LifeboatProcess.command("--config", config.toString(), "restore", "approve",
                request[0], "-"))), Map.of("CODE", request[1]));
        assertEquals(2, approve.exitCode(), approve.all());
        assertTrue(approve.err().contains("expired"), approve.err());
        assertEquals(List.of(), restoredDatabases());
        assertEquals(List.of(RestoreJournal.Event.REQUESTED, RestoreJournal.Event.CODE_SENT, RestoreJournal.Event.EXPIRED),
                journal().stream().map(RestoreJournal.Entry::event).toList());
    }

    @Test
    void aWrongCodeEndsTheRequest() throws IOException {
        Path config = configWithBackup("10m");
        String[] request = request(config);
        Cli.Run wrong = Cli.run("--config", config.toString(), "restore", "approve", request[0], "--code-file",
                codeFile("AAAA-AAAA").toString());
        assertEquals(2, wrong.exitCode(), wrong.all());
        assertTrue(wrong.err().contains("wrong code"), wrong.err());
        Cli.Run right = Cli.run("--config", config.toString(), "restore", "approve", request[0], "--code-file",
                codeFile(request[1]).toString());
        assertEquals(2, right.exitCode(), right.all());
        assertTrue(right.err().contains("already ended"), right.err());
        assertEquals(List.of(), restoredDatabases());
        assertEquals(List.of(RestoreJournal.Event.REQUESTED, RestoreJournal.Event.CODE_SENT, RestoreJournal.Event.REFUSED,
                RestoreJournal.Event.REFUSED), journal().stream().map(RestoreJournal.Entry::event).toList());
    }

    @Test
    void aRequestEditedAfterItsCodeWasSentNoLongerMatchesIt() throws IOException {
        Path config = configWithBackup("10m");
        String[] request = request(config);
        Path file = dir.resolve("state/restore-requests/" + request[0] + ".json");
        // the requester (or anyone who can write the file) turns it into a replace of the source's database
        Files.writeString(file, Files.readString(file).replace("\"replace\" : false", "\"replace\" : true"));
        Cli.Run approve = Cli.run("--config", config.toString(), "restore", "approve", request[0], "--code-file",
                codeFile(request[1]).toString());
        assertEquals(2, approve.exitCode(), approve.all());
        assertTrue(approve.err().contains("wrong code"), approve.err());
        assertEquals(List.of(), restoredDatabases());
    }

    @Test
    void aCodeGivenAsAnArgumentIsRefusedAndTheRequestStaysPending() throws IOException {
        Path config = configWithBackup("10m");
        String[] request = request(config);
        // arguments are world-readable in /proc/PID/cmdline: the code must never be one
        Cli.Run inArguments = Cli.run("--config", config.toString(), "restore", "approve", request[0], request[1]);
        assertEquals(2, inArguments.exitCode(), inArguments.all());
        assertTrue(inArguments.err().contains("must not be an argument") && inArguments.err().contains("--code-file"),
                inArguments.err());
        assertEquals(List.of(RestoreJournal.Event.REQUESTED, RestoreJournal.Event.CODE_SENT),
                journal().stream().map(RestoreJournal.Entry::event).toList(), "nothing happened to the request");

        // a code file others can read is refused like any secret file of lifeboat, naming the fix
        Path readable = codeFile(request[1]);
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Run loose = Cli.run("--config", config.toString(), "restore", "approve", request[0], "--code-file", readable.toString());
        assertEquals(2, loose.exitCode(), loose.all());
        assertTrue(loose.err().contains("chmod 600 " + readable), loose.err());

        Cli.Run fromFile = Cli.run("--config", config.toString(), "restore", "approve", request[0], "--code-file",
                codeFile(request[1]).toString(), "--format", "json");
        assertEquals(0, fromFile.exitCode(), fromFile.all());
        String database = JSON.readTree(fromFile.out()).get("database").asText();
        source.pg.execute("postgres", "DROP DATABASE \"" + database + "\";");
    }

    /** A 0600 file with the code on its first line, as --code-file requires. */
    private Path codeFile(String code) throws IOException {
        Path file = Files.createTempFile(dir, "code", ".txt");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, code + "\n");
        return file;
    }

    /** {@link #codeFile}, owned by the requester (for the same-user refusal). */
    private Path requestersCodeFile(String code) throws IOException {
        Path file = codeFile(code);
        Files.setAttribute(file, "unix:uid", requesterUid);
        return file;
    }
}
