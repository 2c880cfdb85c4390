package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.privateserver.DirectoryProcesses;
import io.lifeboat.drills.privateserver.Orphans;
import io.lifeboat.drills.privateserver.PrivateDirectories;
import io.lifeboat.drills.privateserver.PrivateServerException;
import io.lifeboat.drills.privateserver.ReapedCluster;
import io.lifeboat.drills.privateserver.ServerAccount;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A private MariaDB server in a fresh directory of its own, its data directory made by
 * {@code mariadb-install-db} (a copy of one made earlier: {@link InstalledDataDirs}), and gone
 * without a trace after {@link #close()}: the {@code ephemeral} MariaDB sandbox.
 *
 * <pre>
 * parentDir/                                   0711 (0700 when not root), owned by this user
 *   lifeboat-my-3f2a9b1c0d4e.lifeboat-cluster.json   crash marker (shared with PostgreSQL's)
 *   lifeboat-my-3f2a9b1c0d4e/                  0700, owned by the server's account
 *     data/                                    the data directory
 *     socket/                                  0700: the server's Unix socket, mysqld.sock
 *     tmp/                                     the server's temporary files
 *     server.log                               the server's error log
 * </pre>
 *
 * <h2>Who can connect</h2>
 * The server listens on no TCP port ({@code --skip-networking}); its only way in is the socket in
 * {@code socket/}, inside two 0700 directories owned by the server's account. Its {@code root}
 * account has no password ({@code --auth-root-authentication-method=normal}), so whoever reaches
 * the socket is its superuser: the server's account ({@code mysql} when lifeboat runs as root,
 * otherwise lifeboat's own user) and root. Nobody else can.
 *
 * <h2>Running as root</h2>
 * {@code mariadbd} will not run as root without {@code --user}; when this JVM is root, the
 * install and the server run as the {@code mysql} system user ({@link ServerAccount}) in a
 * directory chowned to it; the client runs as root, which may always reach the socket.
 *
 * <h2>Cleaning up</h2>
 * {@link #close()} stops the server (SIGTERM, which is MariaDB's clean shutdown, then SIGKILL)
 * and deletes the directory, and so does a failed {@link #start}. A shutdown hook closes servers
 * still open when the JVM exits; a JVM killed with SIGKILL leaves its crash marker, and
 * {@link #reapOrphans(Path)} removes what it left.
 */
public final class PrivateMariaDbServer implements AutoCloseable {

    static final String NAME_PREFIX = "lifeboat-my-";
    static final String SOCKET_DIR = "socket";
    static final String SOCKET = "mysqld.sock";
    static final String SERVER_LOG = "server.log";
    /** The superuser {@code mariadb-install-db} creates; password-less, reachable through the socket only. */
    public static final String SUPERUSER = "root";
    private static final Pattern NAMES = Orphans.names(NAME_PREFIX);
    private static final String EXECUTABLE = "mariadbd";
    /** sockaddr_un.sun_path holds 108 bytes with the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final long START_WAIT_MILLIS = 60_000;
    private static final long STOP_WAIT_MILLIS = 30_000;
    private static final long KILL_WAIT_MILLIS = 10_000;

    /**
     * Settings for a throwaway restore target: no binary log, no durability (a crash loses the
     * sandbox anyway), utf8mb4 by default. The dump sets each table's character set itself.
     */
    static final List<String> SERVER_OPTIONS = List.of("--skip-networking", "--skip-log-bin", "--skip-name-resolve",
            "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--innodb-buffer-pool-size=256M",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci", "--max-allowed-packet=1G");

    private final MariaDbTools tools;
    private final ServerAccount account;
    private final Path dir;
    private final Path marker;
    private final Thread shutdownHook;
    private ChildProcess server;
    private boolean createdDir;
    private boolean closed;

    private PrivateMariaDbServer(MariaDbTools tools, ServerAccount account, Path dir, Path marker) {
        this.tools = tools;
        this.account = account;
        this.dir = dir;
        this.marker = marker;
        this.shutdownHook = new Thread(this::closeQuietly, "close-" + dir.getFileName());
    }

    /** {@code ${java.io.tmpdir}/lifeboat-clusters-<uid>}, the directory PostgreSQL's private clusters use too. */
    public static Path defaultParentDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-clusters-" + ServerAccount.effectiveUid());
    }

    /**
     * Makes and starts a private server in {@code parentDir}; returns once it accepts connections.
     *
     * @throws MariaDbServerException when it cannot start; the message says which step failed and,
     *         for the server itself, ends with the tail of its log. Nothing is left behind.
     */
    public static PrivateMariaDbServer start(MariaDbTools tools, Path parentDir) {
        Objects.requireNonNull(tools, "tools");
        if (!tools.hasServer()) {
            throw new MariaDbServerException("the MariaDB server programs (mariadbd, mariadb-install-db) are not"
                    + " installed; install the Debian package mariadb-server");
        }
        Path parent = parentDir.toAbsolutePath().normalize();
        String longestSocket = parent + "/" + NAME_PREFIX + "0".repeat(12) + "/" + SOCKET_DIR + "/" + SOCKET;
        if (longestSocket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new MariaDbServerException("the server's socket path under " + parent + " would be longer than"
                    + " a Unix socket allows (" + MAX_SOCKET_PATH + " bytes); use a shorter parent directory");
        }
        PrivateMariaDbServer s;
        try {
            ServerAccount account = ServerAccount.forThisProcess("mysql", "MariaDB");
            PrivateDirectories.prepareParent(parent, account);
            Orphans.Claim claim = Orphans.claim(parent, NAME_PREFIX, tools.server().orElseThrow().getParent());
            s = new PrivateMariaDbServer(tools, account, claim.dir(), claim.marker());
        } catch (MariaDbServerException e) {
            throw e;
        } catch (PrivateServerException e) {
            throw new MariaDbServerException(e.getMessage(), e);
        }
        try {
            Runtime.getRuntime().addShutdownHook(s.shutdownHook);
            s.boot();
            return s;
        } catch (RuntimeException | Error e) {
            try {
                s.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void boot() {
        try {
            for (Path d : List.of(dir, socketDir(), dir.resolve("tmp"))) {
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                createdDir = true;
                account.own(d);
            }
        } catch (IOException e) {
            throw new MariaDbServerException("could not create the server directory " + dir + ": " + e, e);
        }
        // mariadb-install-db's result, copied from the one kept beside the servers (InstalledDataDirs)
        Path template = InstalledDataDirs.provide(tools, account, dir.getParent(), dataDir());
        try {
            startServer();
        } catch (MariaDbServerException e) {
            throw new MariaDbServerException(e.getMessage() + "; " + InstalledDataDirs.discard(template), e);
        }
    }

    private void startServer() {
        List<String> command = new ArrayList<>(List.of(tools.server().orElseThrow().toString(), "--no-defaults",
                "--datadir=" + dataDir(), "--socket=" + socket(), "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--log-error=" + serverLog(), "--tmpdir=" + dir.resolve("tmp")));
        command.addAll(SERVER_OPTIONS);
        server = ChildProcess.start(account.command(command), Map.of(), Optional.of(dir), Optional.empty());
        try {
            server.stdin().close();
        } catch (IOException ignored) {
            // the server reads nothing
        }
        Thread drain = new Thread(() -> {
            try {
                server.stdout().transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the server went away
            }
        }, "mariadbd-stdout");
        drain.setDaemon(true);
        drain.start();
        awaitReady();
    }

    private void awaitReady() {
        MariaDbClient client = new MariaDbClient(tools, MariaDbClient.Endpoint.socket(socket(), SUPERUSER));
        long deadline = System.nanoTime() + START_WAIT_MILLIS * 1_000_000;
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new MariaDbServerException("the private MariaDB server in " + dir + " exited during start: "
                        + logTail(15));
            }
            if (Files.exists(socket())) {
                try {
                    client.execute("", "SELECT 1", java.time.Duration.ofSeconds(5));
                    return;
                } catch (io.lifeboat.drills.sandbox.QueryFailedException e) {
                    last = e.getMessage();
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MariaDbServerException("interrupted while the private MariaDB server in " + dir + " started");
            }
        }
        throw new MariaDbServerException("the private MariaDB server in " + dir + " did not accept connections within "
                + START_WAIT_MILLIS / 1000 + " s (" + last + "): " + logTail(15));
    }

    /** The programs this server runs with. */
    public MariaDbTools tools() {
        return tools;
    }

    /** The server's own directory (everything of it is inside). */
    public Path directory() {
        return dir;
    }

    public Path dataDir() {
        return dir.resolve(Orphans.DATA_DIR);
    }

    Path socketDir() {
        return dir.resolve(SOCKET_DIR);
    }

    /** The server's Unix socket; its only way in. */
    public Path socket() {
        return socketDir().resolve(SOCKET);
    }

    Path serverLog() {
        return dir.resolve(SERVER_LOG);
    }

    /** The last {@code lines} lines of the server's error log. */
    public String logTail(int lines) {
        return PrivateDirectories.tail(serverLog(), lines);
    }

    /**
     * Stops the server and deletes its directory and marker. Runs every step even when one fails;
     * what cannot be removed keeps its marker for {@link #reapOrphans(Path)}. Idempotent.
     *
     * @throws MariaDbServerException naming what is left behind
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Orphans.removeShutdownHook(shutdownHook);
        List<String> problems = Orphans.stopAndRemove(dir, marker, createdDir, notes -> stop(dataDir(), notes));
        if (server != null) {
            server.close();
        }
        if (!problems.isEmpty()) {
            throw new MariaDbServerException("could not clean up the private MariaDB server " + dir + ": "
                    + String.join("; ", problems));
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("lifeboat: " + e.getMessage());
        }
    }

    /** SIGTERM (MariaDB shuts down cleanly on it), then SIGKILL; found by working directory, not a pid file. */
    static Orphans.Stop stop(Path dataDir, List<String> notes) {
        List<ProcessHandle> running = DirectoryProcesses.find(dataDir, EXECUTABLE);
        if (running.isEmpty()) {
            return Orphans.Stop.NOT_RUNNING;
        }
        running.forEach(ProcessHandle::destroy);
        if (DirectoryProcesses.awaitGone(dataDir, EXECUTABLE, STOP_WAIT_MILLIS)) {
            return Orphans.Stop.STOPPED;
        }
        notes.add("mariadbd did not stop within " + STOP_WAIT_MILLIS / 1000 + " s of SIGTERM");
        return DirectoryProcesses.killAll(dataDir, EXECUTABLE, KILL_WAIT_MILLIS) ? Orphans.Stop.KILLED
                : Orphans.Stop.STILL_RUNNING;
    }

    /**
     * Removes the private MariaDB servers that dead processes left in {@code parentDir} (see
     * {@link Orphans#reap}): their servers are stopped, their directories and markers deleted.
     * PostgreSQL's clusters in the same directory are left to PostgreSQL's reaper.
     */
    public static List<ReapedCluster> reapOrphans(Path parentDir) {
        try {
            return Orphans.reap(parentDir, NAMES, (d, m, notes) -> stop(d.resolve(Orphans.DATA_DIR), notes));
        } catch (PrivateServerException e) {
            throw e instanceof MariaDbServerException me ? me : new MariaDbServerException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "private MariaDB in " + dir + " (socket only)";
    }
}
