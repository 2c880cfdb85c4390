package io.lifeboat.drills.postgres;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ChildProcessException;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.privateserver.Orphans;
import io.lifeboat.drills.privateserver.PrivateDirectories;
import io.lifeboat.drills.privateserver.PrivateServerException;
import io.lifeboat.drills.privateserver.ReapedCluster;
import io.lifeboat.drills.privateserver.ServerAccount;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A private PostgreSQL server in a fresh directory of its own, made with {@code initdb} and gone
 * without a trace after {@link #close()}: the {@code ephemeral} drill sandbox, and the server
 * lifeboat's own tests and demo restore into.
 *
 * <h2>Layout</h2>
 * <pre>
 * parentDir/                                  0711 (0700 when not root), owned by this user
 *   lifeboat-pg-3f2a9b1c.lifeboat-cluster.json   crash marker: owner pid and start time
 *   lifeboat-pg-3f2a9b1c/                     0700, owned by the server's account
 *     data/                                   the data directory
 *     socket/                                 0700: the server's Unix socket, .s.PGSQL.&lt;port&gt;
 *     server.log                              the server's stderr
 * </pre>
 *
 * <h2>Who can connect</h2>
 * A sandbox ({@code tcp=false}) listens on no TCP port at all ({@code listen_addresses = ''}); its
 * only way in is the socket in {@code socket/}, inside two 0700 directories owned by the server's
 * account, with {@code unix_socket_permissions = 0700} as well. Local connections use
 * {@code trust} authentication, so whoever can reach the socket is superuser: that is the
 * server's account (the {@code postgres} system user when lifeboat runs as root, otherwise
 * lifeboat's own user) and root, which bypasses file permissions. Nobody else can. Note that this
 * includes anything else running as {@code postgres}, such as the host's own PostgreSQL, which
 * could already read the host's data. With {@code tcp=true} (tests and the demo) the server also
 * listens on 127.0.0.1, where every local user can reach it, so TCP connections need the
 * {@code postgres} user's password, generated at random per cluster (scram-sha-256); see
 * {@link #connect(String)} and {@link #jdbcProperties()}.
 *
 * <h2>Running as root</h2>
 * {@code initdb}, {@code pg_ctl} and {@code postgres} refuse to run as root. When this JVM is
 * root, every server program runs as the {@code postgres} system user ({@code setpriv}) and the
 * cluster directory is chowned to it; client programs ({@code psql}) run as root, which may
 * always connect.
 *
 * <h2>Cleaning up</h2>
 * {@link #close()} stops the server (immediate, then SIGKILL) and deletes the whole
 * directory, and so does a failed {@link #start}. A shutdown hook closes clusters still open when
 * the JVM exits normally; a JVM killed with SIGKILL leaves its crash marker, and the next
 * {@link #reapOrphans(Path)} in the same parent directory removes what it left.
 *
 * <p>Thread safety: the accessors and {@link #execute} may be used from several threads;
 * {@link #close()} is idempotent.
 */
public final class PrivatePostgresCluster implements AutoCloseable {

    /** Names inside a cluster directory. */
    static final String DATA_DIR = Orphans.DATA_DIR;
    static final String SOCKET_DIR = "socket";
    static final String SERVER_LOG = "server.log";
    /** Our settings live in their own file, included from postgresql.conf, so no shell ever quotes them. */
    static final String SETTINGS_FILE = "lifeboat.conf";
    static final String NAME_PREFIX = "lifeboat-pg-";
    private static final Pattern CLUSTER_NAME = Orphans.names(NAME_PREFIX);

    /** The superuser initdb creates. */
    public static final String SUPERUSER = "postgres";

    /**
     * Throwaway data needs no durability: a crash loses the sandbox anyway, and skipping fsync
     * makes restores several times faster. {@link Options#settings()} may override these.
     */
    public static final Map<String, String> DEFAULT_SETTINGS = defaultSettings();

    /** Settings this class manages itself; overriding them would break isolation or bookkeeping. */
    private static final Set<String> MANAGED_SETTINGS = Set.of("listen_addresses", "port",
            "unix_socket_directories", "unix_socket_permissions", "unix_socket_group", "data_directory",
            "config_file", "hba_file", "ident_file", "external_pid_file", "include", "include_dir",
            "include_if_exists");
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)?");

    /** sockaddr_un.sun_path holds 108 bytes with the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final int TCP_START_ATTEMPTS = 3;
    private static final long INITDB_TIMEOUT_SECONDS = 120;
    private static final int PG_CTL_START_WAIT_SECONDS = 60;
    private static final long EXECUTE_TIMEOUT_SECONDS = 600;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * How to start a cluster.
     *
     * @param parentDir where the cluster directory and its crash marker go; created (0711) if
     *                  missing. It must belong to this process's user and be writable by nobody
     *                  else, and when running as root every directory above it must be
     *                  searchable by the {@code postgres} user (a JUnit {@code @TempDir} is 0700:
     *                  chmod it 0711 first)
     * @param tcp       also listen on 127.0.0.1 on a free port, with a password (tests and demo);
     *                  false for drill sandboxes, which are reachable only through the socket
     * @param settings  extra server settings ({@code name → value}), applied after
     *                  {@link #DEFAULT_SETTINGS}; the listening and socket settings are managed by
     *                  this class and refused here
     */
    public record Options(Path parentDir, boolean tcp, Map<String, String> settings) {

        public Options {
            Objects.requireNonNull(parentDir, "parentDir");
            Objects.requireNonNull(settings, "settings");
            parentDir = parentDir.toAbsolutePath().normalize();
            Map<String, String> copy = new LinkedHashMap<>();
            settings.forEach((name, value) -> {
                Objects.requireNonNull(value, "value of setting " + name);
                if (!SETTING_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("not a PostgreSQL setting name: '" + name + "'");
                }
                if (MANAGED_SETTINGS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    throw new IllegalArgumentException("setting " + name + " is managed by lifeboat's private"
                            + " cluster (use Options.tcp for listening on 127.0.0.1)");
                }
                if (value.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
                    throw new IllegalArgumentException("value of setting " + name + " contains a line break or NUL");
                }
                copy.put(name, value);
            });
            settings = Collections.unmodifiableMap(copy);
        }

        /** A sandbox: socket only, in {@code parentDir}. */
        public static Options socketOnly(Path parentDir) {
            return new Options(parentDir, false, Map.of());
        }

        /** A sandbox in {@link PrivatePostgresCluster#defaultParentDir()}. */
        public static Options socketOnly() {
            return socketOnly(defaultParentDir());
        }

        /** A cluster that also listens on 127.0.0.1, for tests and the demo. */
        public static Options withTcp(Path parentDir) {
            return new Options(parentDir, true, Map.of());
        }

        /** The same options with one more setting. */
        public Options withSetting(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(settings);
            more.put(name, value);
            return new Options(parentDir, tcp, more);
        }
    }

    private final PostgresInstallation installation;
    private final ServerAccount account;
    private final Options options;
    private final Path clusterDir;
    private final Path markerFile;
    private final String password;
    private final Thread shutdownHook;
    private volatile int port;
    private volatile long postmasterPid = -1;
    private boolean createdDir;
    private boolean closed;

    private PrivatePostgresCluster(PostgresInstallation installation, ServerAccount account, Options options,
                                   Path clusterDir, Path markerFile) {
        this.installation = installation;
        this.account = account;
        this.options = options;
        this.clusterDir = clusterDir;
        this.markerFile = markerFile;
        this.password = options.tcp() ? randomPassword() : null;
        this.shutdownHook = new Thread(this::closeQuietly, "close-" + clusterDir.getFileName());
    }

    /**
     * {@code ${java.io.tmpdir}/lifeboat-clusters-<uid>}: one per user, so root's and another
     * user's clusters never share (and never fail the ownership check on) one directory.
     */
    public static Path defaultParentDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-clusters-" + ServerAccount.effectiveUid());
    }

    /**
     * Makes and starts a private server; returns once it accepts connections.
     *
     * @throws PostgresNotInstalledException when {@code installation} lacks the server binaries
     * @throws PostgresClusterException when it cannot start; the message says which step failed
     *         and, for the server itself, ends with the tail of its log. Nothing is left behind:
     *         the server is stopped and the directory removed before this is thrown.
     */
    public static PrivatePostgresCluster start(PostgresInstallation installation, Options options) {
        Objects.requireNonNull(installation, "installation");
        Objects.requireNonNull(options, "options");
        if (!installation.hasServer()) {
            throw new PostgresNotInstalledException("PostgreSQL " + installation.version() + " in "
                    + installation.binDir() + " has no server binaries (" + String.join(", ",
                    PostgresInstallation.SERVER_TOOLS) + "); install the Debian package " + installation.serverPackage());
        }
        ServerAccount account = account();
        Path parent = options.parentDir();
        String longestSocket = parent + "/" + NAME_PREFIX + "0".repeat(12) + "/" + SOCKET_DIR + "/.s.PGSQL.65535";
        if (longestSocket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new PostgresClusterException("the server's socket path under " + parent + " would be longer than"
                    + " a Unix socket allows (" + MAX_SOCKET_PATH + " bytes); use a shorter parent directory");
        }
        Orphans.Claim claim;
        try {
            PrivateDirectories.prepareParent(parent, account);
            // The marker comes first: from here on a crash leaves something reapOrphans can find.
            claim = Orphans.claim(parent, NAME_PREFIX, installation.binDir());
        } catch (PrivateServerException e) {
            throw new PostgresClusterException(e.getMessage(), e);
        }
        PrivatePostgresCluster cluster = new PrivatePostgresCluster(installation, account, options, claim.dir(), claim.marker());
        try {
            Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            cluster.boot();
            return cluster;
        } catch (RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The account servers run as: {@code postgres} when this JVM is root (PostgreSQL refuses root). */
    private static ServerAccount account() {
        try {
            return ServerAccount.forThisProcess("postgres", "PostgreSQL");
        } catch (PrivateServerException e) {
            throw new PostgresClusterException(e.getMessage(), e);
        }
    }

    private void boot() {
        Path dataDir = dataDir();
        try {
            Files.createDirectory(clusterDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            createdDir = true;
            account.own(clusterDir);
            Path socketDir = socketDir();
            Files.createDirectory(socketDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            account.own(socketDir);
        } catch (IOException e) {
            throw new PostgresClusterException("could not create the cluster directory " + clusterDir + ": " + e, e);
        }
        initdb(dataDir);
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            writeSettings(dataDir);
            ProcessOutcome outcome = account.run(List.of(installation.tool("pg_ctl").toString(), "start",
                    "-w", "-t", Integer.toString(PG_CTL_START_WAIT_SECONDS), "-D", dataDir.toString(),
                    "-l", serverLog().toString()), clusterDir, PG_CTL_START_WAIT_SECONDS + 30);
            if (outcome.succeeded()) {
                break;
            }
            String log = serverLogTail(20);
            // Another process can take the free port between our check and the server's bind.
            boolean portTaken = log.contains("could not bind") || log.contains("Address already in use");
            if (!(options.tcp() && portTaken && attempt < TCP_START_ATTEMPTS)) {
                throw new PostgresClusterException("PostgreSQL " + installation.version() + " did not start in "
                        + clusterDir + ": pg_ctl start: " + outcome.describe() + "\nserver log:\n" + log);
            }
        }
        postmasterPid = ServerProcesses.postmasterPid(dataDir).orElseThrow(() -> new PostgresClusterException(
                "PostgreSQL started in " + clusterDir + " but wrote no postmaster.pid"));
    }

    private void initdb(Path dataDir) {
        Path pwFile = clusterDir.resolve("initdb-password");
        List<String> command = new ArrayList<>(List.of(installation.tool("initdb").toString(),
                "-D", dataDir.toString(), "-U", SUPERUSER, "-E", "UTF8", "--locale=" + locale(),
                "--auth-local=trust", "--no-sync"));
        try {
            if (options.tcp()) {
                // the password goes through a 0600 file, never argv
                Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
                account.own(pwFile);
                command.add("--auth-host=scram-sha-256");
                command.add("--pwfile=" + pwFile);
            } else {
                command.add("--auth-host=reject");
            }
            ProcessOutcome outcome = account.run(command, clusterDir, INITDB_TIMEOUT_SECONDS);
            if (!outcome.succeeded()) {
                throw new PostgresClusterException("initdb (PostgreSQL " + installation.version() + ", as user "
                        + account.name() + ") failed in " + clusterDir + ": " + outcome.describe());
            }
        } catch (IOException e) {
            throw new PostgresClusterException("could not prepare initdb in " + clusterDir + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(pwFile);
            } catch (IOException ignored) {
                // the whole directory goes on close
            }
        }
    }

    /** C.UTF-8 gives Unicode-aware upper()/lower() with the C sort order; plain C where it is missing. */
    private static String locale() {
        return Files.isDirectory(Path.of("/usr/lib/locale/C.utf8")) || Files.isDirectory(Path.of("/usr/lib/locale/C.UTF-8"))
                ? "C.UTF-8" : "C";
    }

    private void writeSettings(Path dataDir) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("listen_addresses", options.tcp() ? "127.0.0.1" : "");
        all.put("port", Integer.toString(port));
        all.put("unix_socket_directories", socketDir().toString());
        all.put("unix_socket_permissions", "0700");
        all.putAll(DEFAULT_SETTINGS);
        all.putAll(options.settings());
        StringBuilder conf = new StringBuilder("# Written by lifeboat for a private, throwaway server.\n");
        all.forEach((k, v) -> conf.append(k).append(" = ").append(confQuote(v)).append('\n'));
        try {
            Path file = dataDir.resolve(SETTINGS_FILE);
            boolean first = !Files.exists(file);
            Files.writeString(file, conf, StandardCharsets.UTF_8);
            account.own(file);
            if (first) {
                Files.writeString(dataDir.resolve("postgresql.conf"), "\ninclude '" + SETTINGS_FILE + "'\n",
                        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new PostgresClusterException("could not write the server settings in " + dataDir + ": " + e, e);
        }
    }

    /** A value in postgresql.conf syntax: single-quoted, quotes doubled, backslashes escaped. */
    private static String confQuote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static Map<String, String> defaultSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fsync", "off");
        m.put("synchronous_commit", "off");
        m.put("full_page_writes", "off");
        return Collections.unmodifiableMap(m);
    }

    /** The binaries this server runs. */
    public PostgresInstallation installation() {
        return installation;
    }

    /** The cluster's own directory (everything of it is inside). */
    public Path directory() {
        return clusterDir;
    }

    /** The data directory. */
    public Path dataDir() {
        return clusterDir.resolve(DATA_DIR);
    }

    /** The directory holding the server's Unix socket; pass it as {@code -h} to libpq programs. */
    public Path socketDir() {
        return clusterDir.resolve(SOCKET_DIR);
    }

    /** The server's log file. */
    public Path serverLog() {
        return clusterDir.resolve(SERVER_LOG);
    }

    /**
     * The server's port: the socket is {@code socketDir()/.s.PGSQL.<port>}, and with TCP it is
     * also the TCP port. A free TCP port is chosen even for socket-only servers, so their
     * port-derived shared memory keys do not collide with other servers'.
     */
    public int port() {
        return port;
    }

    /** The port on 127.0.0.1, when the cluster listens on TCP. */
    public OptionalInt tcpPort() {
        return options.tcp() ? OptionalInt.of(port) : OptionalInt.empty();
    }

    /** The postmaster's process id. */
    public long postmasterPid() {
        return postmasterPid;
    }

    /**
     * A JDBC URL for a database over TCP. It carries no credentials: connect with
     * {@link #connect(String)} or with {@link #jdbcProperties()}.
     *
     * @throws IllegalStateException when the cluster does not listen on TCP
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + requireTcp() + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** The superuser's name and password for {@link #jdbcUrl(String)}. */
    public Properties jdbcProperties() {
        requireTcp();
        Properties p = new Properties();
        p.setProperty("user", SUPERUSER);
        p.setProperty("password", password);
        return p;
    }

    /** A superuser JDBC connection to a database over TCP; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), jdbcProperties());
    }

    private int requireTcp() {
        if (!options.tcp()) {
            throw new IllegalStateException("this private cluster listens only on its Unix socket in "
                    + socketDir() + "; start it with Options.tcp for JDBC");
        }
        return port;
    }

    /**
     * The command that runs {@code psql} as superuser on {@code database} through the socket:
     * {@code psql -h <socketDir> -p <port> -U postgres -X -v ON_ERROR_STOP=1 -d dbname=<database>}.
     * Append options and run it with {@link ChildProcess}; it runs as this JVM's user (root may
     * always reach the socket). {@code -X} skips any {@code .psqlrc}; the database is passed as a
     * connection string so that a name containing {@code =} cannot smuggle in other parameters.
     */
    public List<String> psql(String database) {
        return List.of(installation.tool("psql").toString(), "-h", socketDir().toString(), "-p", Integer.toString(port),
                "-U", SUPERUSER, "-X", "-v", "ON_ERROR_STOP=1", "-d", "dbname=" + conninfoQuote(database));
    }

    /**
     * Runs SQL (one statement or a script, fed through stdin) and returns what psql printed in
     * unaligned, tuples-only, quiet mode: one line per row, columns separated by {@code |}, no
     * headers or command tags, the final newline removed. Stops at the first error.
     *
     * @throws ChildProcessException when psql fails; the message has the server's error
     */
    public String execute(String database, String sql) {
        List<String> command = new ArrayList<>(psql(database));
        command.addAll(List.of("-A", "-t", "-q", "-f", "-"));
        byte[] script = sql.getBytes(StandardCharsets.UTF_8);
        try (ChildProcess child = ChildProcess.start(command)) {
            // write on another thread: psql may fill its stdout pipe before reading all of stdin
            Thread feeder = new Thread(() -> {
                try (OutputStream in = child.stdin()) {
                    in.write(script);
                } catch (IOException ignored) {
                    // psql stopped reading (it failed); its exit status says why
                }
            }, "psql-stdin");
            feeder.setDaemon(true);
            feeder.start();
            byte[] out = child.stdout().readAllBytes();
            ProcessOutcome outcome = child.waitFor(EXECUTE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            feeder.join(TimeUnit.SECONDS.toMillis(5));
            if (!outcome.succeeded()) {
                throw new ChildProcessException(outcome.describe());
            }
            String text = new String(out, StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChildProcessException("psql: interrupted");
        }
    }

    /** Creates a database (any name: it is quoted as an identifier). */
    public void createDatabase(String name) {
        execute("postgres", "CREATE DATABASE " + quoteIdentifier(name) + ";");
    }

    /** {@code name} as an SQL identifier: double-quoted, quotes doubled. */
    public static String quoteIdentifier(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a valid identifier: '" + name + "'");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String conninfoQuote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The last {@code lines} lines of the server log, or a note saying why there are none. */
    public String serverLogTail(int lines) {
        return PrivateDirectories.tail(serverLog(), lines);
    }

    /**
     * Stops the server and deletes the cluster directory and its marker. Runs every step even
     * when one fails. If the server could not be stopped or the directory not deleted, the
     * marker stays (so {@link #reapOrphans(Path)} tries again once this JVM is gone) and this
     * throws. Calling it again does nothing.
     *
     * @throws PostgresClusterException naming what is left behind
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Orphans.removeShutdownHook(shutdownHook);
        // immediate, not fast: the directory is deleted next, so the shutdown checkpoint a fast
        // stop writes (every dirty buffer of a freshly restored database: ~2.5 s after a 1 GB
        // restore, measured by bench/drill.sh) would be written only to be thrown away
        List<String> problems = Orphans.stopAndRemove(clusterDir, markerFile, createdDir, notes -> ServerProcesses.stop(
                account, installation.tool("pg_ctl"), dataDir(), clusterDir, false, notes));
        if (!problems.isEmpty()) {
            throw new PostgresClusterException("could not clean up the private cluster " + clusterDir + ": "
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

    /**
     * Cleans up after processes that died with private clusters open (killed, crashed, power
     * loss): for each marker in {@code parentDir} whose owner is gone (no such process, or the
     * pid now belongs to a process that started at another time) it stops any server still
     * running in that cluster ({@code pg_ctl stop -m immediate}, then SIGKILL), deletes the
     * cluster directory, then the marker. Clusters of live processes, this one included, are not
     * touched. Call it with the same user that made the clusters, before starting new ones.
     *
     * <p>Only the directory named like the marker (its sibling) is ever deleted, whatever the
     * marker says; unreadable markers are left alone.
     *
     * @return one entry per orphan found, with {@link ReapedCluster#problem()} set where
     *         something could not be removed (its marker then stays for the next call)
     * @throws PostgresClusterException when {@code parentDir} exists but is not private to this
     *         user (see {@link Options#parentDir()})
     */
    public static List<ReapedCluster> reapOrphans(Path parentDir) {
        try {
            return Orphans.reap(parentDir, CLUSTER_NAME, (dir, marker, notes) -> ServerProcesses.stop(account(),
                    marker.binDir().resolve("pg_ctl"), dir.resolve(DATA_DIR), dir, false, notes));
        } catch (PrivateServerException e) {
            throw new PostgresClusterException(e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new PostgresClusterException("could not find a free port on 127.0.0.1: " + e, e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String randomPassword() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
    }

    @Override
    public String toString() {
        return "private PostgreSQL " + installation.version() + " in " + clusterDir
                + (options.tcp() ? " on 127.0.0.1:" + port : " (socket only)");
    }
}
