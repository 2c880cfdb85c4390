package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.process.ToolLauncher;
import io.lifeboat.drills.process.ToolProcess;
import io.lifeboat.drills.restore.Ownership;
import io.lifeboat.drills.sandbox.ClientRun;
import io.lifeboat.drills.sandbox.DatabaseClient;
import io.lifeboat.drills.sandbox.DumpReadException;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import io.lifeboat.drills.sandbox.RestoreFailedException;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code mariadb} client against one MariaDB server, as every MariaDB sandbox uses it. Where
 * the client runs is a {@link ToolLauncher}: the installed program on this host
 * ({@code ephemeral}, {@code server}), or inside the sandbox's container through exec
 * ({@code docker}); everything else here (arguments, deadlines, output parsing, error
 * classification) is the same for all.
 *
 * <ul>
 *   <li>On this host the login goes in a temporary 0600 option file given as the first argument
 *       ({@code --defaults-file}, so no other option file of the host or of root's home changes
 *       what the client does); never argv, never the environment. In a container there is no
 *       password to hand over (root on the server's socket, see {@link #inContainer}): the first
 *       argument is {@code --no-defaults} and the user name goes in argv.</li>
 *   <li>SQL goes to the client's stdin with {@code --binary-mode}, which turns off the client's
 *       own commands: without it {@code \! cmd} runs a shell (as root), even from {@code -e}.</li>
 *   <li>Results are read as XML ({@link XmlRows}): tab-separated batch output prints SQL NULL and
 *       the string {@code 'NULL'} alike.</li>
 *   <li>Every command has a deadline: {@code max_statement_time} for the session inside the
 *       server (a session setting rather than {@code SET STATEMENT … FOR}, which covers one
 *       statement only, and a check may be several), and the client is killed a little after
 *       it in any case (a server that stops answering, a hung connect).</li>
 * </ul>
 */
final class MariaDbClient implements DatabaseClient {

    /**
     * Where a server is and how to log in.
     *
     * @param socket       a Unix socket (private servers); empty for TCP to {@code host:port}
     * @param sslmode      libpq's names, mapped by {@link MariaDbTools#tcpOptions}
     */
    record Endpoint(Optional<Path> socket, String host, int port, String user, Optional<Path> passwordFile,
                    String sslmode) {
        Endpoint {
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(passwordFile, "passwordFile");
            Objects.requireNonNull(sslmode, "sslmode");
        }

        static Endpoint socket(Path socket, String user) {
            return new Endpoint(Optional.of(socket), "localhost", 0, user, Optional.empty(), "disable");
        }

        List<String> options() {
            return socket.isPresent() ? List.of("--protocol=SOCKET", "--socket=" + socket.get())
                    : MariaDbTools.tcpOptions(host, port, sslmode);
        }
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLIENT_GRACE = CONNECT_TIMEOUT.plusSeconds(5);
    /** {@code ERROR 1146 (42S02) at line 2: Table 'x.orders' doesn't exist}; client-side errors have no number. */
    private static final Pattern ERROR = Pattern.compile("^ERROR(?: (\\d+) \\(([0-9A-Z]{5})\\))?(?: at line \\d+)?: (.*)$",
            Pattern.MULTILINE);
    /** max_statement_time exceeded (MariaDB), max_execution_time exceeded (MySQL). */
    private static final Set<Integer> TIMEOUT_ERRORS = Set.of(1969, 3024);
    /**
     * Errors about circumstances, not the data: too many connections, out of memory, shutdown,
     * lock wait timeout, deadlock, interrupted, connection killed.
     */
    private static final Set<Integer> CIRCUMSTANCE_ERRORS = Set.of(1040, 1041, 1053, 1205, 1213, 1317, 1927);

    /** The client's name, as a {@link ToolLauncher} is asked for it. */
    static final String CLIENT = "mariadb";

    private final ToolLauncher launcher;
    private final Endpoint endpoint;
    /** Whether the login goes in an option file on this host (else: no password, {@code --no-defaults}). */
    private final boolean optionFiles;

    /** The client installed on this host ({@code tools.client()}), logging in through option files. */
    MariaDbClient(MariaDbTools tools, Endpoint endpoint) {
        this(local(tools), endpoint, true);
    }

    private MariaDbClient(ToolLauncher launcher, Endpoint endpoint, boolean optionFiles) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.optionFiles = optionFiles;
    }

    /**
     * A client started by {@code launcher} somewhere this host's files are not (a container's
     * exec), named {@value #CLIENT}: it reads no option file at all ({@code --no-defaults}), so
     * it can log in only without a password.
     *
     * @throws IllegalArgumentException the endpoint has a password file: the only ways to hand
     *                                  the password over would be argv or the environment
     */
    static MariaDbClient inContainer(ToolLauncher launcher, Endpoint endpoint) {
        if (endpoint.passwordFile().isPresent()) {
            throw new IllegalArgumentException("a client in a container cannot be given a password without argv"
                    + " or its environment; log in without one (root on the server's socket)");
        }
        return new MariaDbClient(launcher, endpoint, false);
    }

    /** The client program of {@code tools} as a child process of this JVM. */
    static ToolLauncher local(MariaDbTools tools) {
        Objects.requireNonNull(tools, "tools");
        return (tool, args, env) -> {
            if (!CLIENT.equals(tool)) {
                throw new IllegalArgumentException("no MariaDB tool '" + tool + "' here; only " + CLIENT);
            }
            List<String> command = new ArrayList<>(args.size() + 1);
            command.add(tools.client().toString());
            command.addAll(args);
            return ChildProcess.start(command, env, Optional.empty(), Optional.empty());
        };
    }

    /** The first row of the last result set of {@code sql}, and its number of rows. */
    @Override
    public QueryResult query(String database, String sql, Duration timeout) throws QueryFailedException {
        List<List<Optional<String>>> first = new ArrayList<>();
        long[] rows = {0};
        run(database, sql, timeout, List.of("--xml"), new XmlRows.Listener() {
            @Override
            public void resultSet() {
                first.clear();
                rows[0] = 0;
            }

            @Override
            public void row(List<Optional<String>> values) {
                if (rows[0]++ == 0) {
                    first.add(values);
                }
            }
        });
        return new QueryResult(first.isEmpty() ? List.of() : first.get(0), rows[0]);
    }

    /** Runs statements whose output does not matter (CREATE DATABASE, DROP DATABASE). */
    void execute(String database, String sql, Duration timeout) throws QueryFailedException {
        run(database, sql, timeout, List.of(), null);
    }

    /**
     * {@code table → rows} for every base table of {@code database}, as the orchestrator counts
     * them into the manifest: a MariaDB dump holds one database, so the table name alone is the
     * key. One {@code COUNT(*)} statement per table, each under the statement timeout.
     */
    @Override
    public Map<String, Long> rowCounts(String database, Duration timeout) throws QueryFailedException {
        List<String> tables = new ArrayList<>();
        run(database, TABLES_SQL, timeout, List.of("--xml"), listener(r -> tables.add(r.get(0).orElse(""))));
        Map<String, Long> counts = new LinkedHashMap<>();
        if (tables.isEmpty()) {
            return counts;
        }
        StringBuilder script = new StringBuilder();
        for (String t : tables) {
            script.append("SELECT COUNT(*) FROM ").append(identifier(t)).append(";\n");
        }
        List<String> bad = new ArrayList<>();
        run(database, script.toString(), timeout, List.of("--xml"), listener(r -> {
            int i = counts.size();
            if (i < tables.size() && r.size() == 1 && r.get(0).isPresent() && r.get(0).get().matches("\\d+")) {
                counts.put(tables.get(i), Long.parseLong(r.get(0).get()));
            } else {
                bad.add(r.toString());
            }
        }));
        if (!bad.isEmpty() || counts.size() != tables.size()) {
            throw new QueryFailedException("unexpected output while counting rows: " + (bad.isEmpty()
                    ? counts.size() + " counts for " + tables.size() + " tables" : bad.get(0)),
                    QueryFailedException.Reason.UNAVAILABLE);
        }
        return counts;
    }

    /** Base tables (also system-versioned ones), not views or sequences; the orchestrator counts the same. */
    static final String TABLES_SQL = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
            + " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME";

    /** The server's version, e.g. {@code 10.11.19-MariaDB-0+deb12u1}. */
    String serverVersion() throws QueryFailedException {
        return query("", "SELECT VERSION()", CONNECT_TIMEOUT).value().orElse("unknown");
    }

    /**
     * Pipes an SQL dump into {@code mariadb} on {@code database}, front to back, with
     * {@link io.lifeboat.drills.sandbox.StreamPump} semantics, the definers of views, triggers
     * and routines made the sandbox login's own on the way ({@link DefinerRewrite}). The client
     * stops at the first error and exits non-zero with the server's message. A dump that does not
     * end with mariadb-dump's completion line fails too ({@link DumpTrailer}): cut after a whole
     * statement, it restores without an error.
     *
     * <p>Clients on this host restore through two clients at once ({@link TwoClientRestore}): the
     * data statements run on two server sessions, with the same result as one. A client in a
     * container restores through one: two execs work (the docker contract passed), but each barrier
     * waits for a marker's round trip through the engine's exec streams, and the shop fixture took
     * 6.4 s instead of 0.8 s that way.
     *
     * @throws RestoreFailedException with the client's message, or saying the dump is cut short
     * @throws DumpReadException      reading the dump failed (the clients were killed first)
     */
    @Override
    public void restore(String database, InputStream dump, Duration limit) throws RestoreFailedException, DumpReadException {
        // a sandbox has none of production's accounts: its own login defines everything
        restore(database, dump, limit, Ownership.RESTORING_USER);
    }

    /**
     * As {@link #restore(String, InputStream, Duration)}; with {@link Ownership#AS_IN_BACKUP} the
     * dump's {@code DEFINER} clauses are kept (a restore onto the real server, whose accounts they
     * name), with {@link Ownership#RESTORING_USER} they become the client login's.
     */
    public void restore(String database, InputStream dump, Duration limit, Ownership ownership)
            throws RestoreFailedException, DumpReadException {
        restore(database, dump, limit, ownership, optionFiles);
    }

    /** As {@link #restore(String, InputStream, Duration)}, through two clients or one (for tests). */
    void restore(String database, InputStream dump, Duration limit, boolean twoClients)
            throws RestoreFailedException, DumpReadException {
        restore(database, dump, limit, Ownership.RESTORING_USER, twoClients);
    }

    private void restore(String database, InputStream dump, Duration limit, Ownership ownership, boolean twoClients)
            throws RestoreFailedException, DumpReadException {
        ClientRun.Finished f;
        DumpTrailer trailer = new DumpTrailer(dump);
        try (Login login = login()) {
            InputStream statements = ownership == Ownership.RESTORING_USER ? new DefinerRewrite(trailer) : trailer;
            if (twoClients) {
                // no column names: a marker query's output line is its text alone; unbuffered: printed
                // when executed (else the client holds its output until it exits, and a barrier never ends)
                List<String> args = arguments(login, database, List.of("--skip-column-names", "--unbuffered"));
                ToolProcess first = launcher.start(CLIENT, args, Map.of());
                ToolProcess second;
                try {
                    second = launcher.start(CLIENT, args, Map.of());
                } catch (RuntimeException e) {
                    first.close();
                    throw e;
                }
                TwoClientRestore.Result r = TwoClientRestore.run(first, second, statements, limit,
                        CLIENT_GRACE);
                lastInsertsPerClient = r.insertsPerClient();
                f = r.finished();
            } else {
                f = ClientRun.restore(launcher.start(CLIENT, arguments(login, database, List.of()), Map.of()),
                        statements, limit, CLIENT_GRACE);
            }
        }
        f.requireRestored(limit);
        if (!trailer.complete()) {
            throw new RestoreFailedException("the dump is cut short: its " + trailer.bytesRead() + " bytes do not end"
                    + " with mariadb-dump's last line \"" + DumpTrailer.COMPLETED + " …\", so the client restored only"
                    + " the statements before the cut (whatever came after them, data, views, triggers or routines, is missing)");
        }
    }

    /** How many INSERT statements each client of the last two-client restore was given: for tests. */
    volatile List<Long> lastInsertsPerClient = List.of();

    /** {@code name} as a MariaDB identifier: backquoted, backquotes doubled. */
    static String identifier(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a valid identifier: '" + name + "'");
        }
        return "`" + name.replace("`", "``") + "`";
    }

    private List<String> arguments(Login login, String database, List<String> extra) {
        List<String> c = new ArrayList<>(login.arguments());
        c.addAll(endpoint.options());
        // --skip-print-query-on-error: a failed INSERT of a restore would otherwise be echoed whole into the message
        c.addAll(List.of("--connect-timeout=" + CONNECT_TIMEOUT.toSeconds(), "--batch", "--binary-mode",
                "--skip-print-query-on-error",
                "--default-character-set=utf8mb4"));
        c.addAll(extra);
        if (!database.isEmpty()) {
            c.add("--database=" + database);
        }
        return c;
    }

    private void run(String database, String sql, Duration timeout, List<String> extra, XmlRows.Listener listener)
            throws QueryFailedException {
        // seconds with a fraction; 0 would mean "no limit"
        String seconds = BigDecimal.valueOf(Math.max(1, timeout.toMillis())).movePointLeft(3)
                .setScale(3, RoundingMode.UP).toPlainString();
        // no delimiter after the SQL: the client runs what is left at the end of its input
        byte[] script = ("SET SESSION max_statement_time = " + seconds + ";\n" + sql + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ClientRun.Finished f;
        try (Login login = login()) {
            f = ClientRun.query(launcher.start(CLIENT, arguments(login, database, extra), Map.of()), Optional.of(script),
                    timeout.plus(CLIENT_GRACE), CLIENT_GRACE, stdout -> {
                        if (listener != null) {
                            XmlRows.read(new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8), 64 * 1024),
                                    listener);
                        }
                    });
        } catch (PrivateFiles.UnsafeFileException e) {
            throw new QueryFailedException(e.getMessage(), QueryFailedException.Reason.UNAVAILABLE);
        }
        f.requireAnswered(timeout, MariaDbClient::classify);
    }

    /**
     * A failed client as a {@link QueryFailedException}: the server's message (without the
     * script's line number, which counts lifeboat's own first line) and a reason from its error
     * number; client errors (2000–2999: cannot connect, connection lost) mean the database could
     * not be asked.
     */
    static QueryFailedException classify(ProcessOutcome outcome) {
        Matcher m = ERROR.matcher(outcome.stderrTail());
        if (!m.find()) {
            return new QueryFailedException(outcome.describe(), QueryFailedException.Reason.UNAVAILABLE);
        }
        if (m.group(1) == null) {
            // the client refused the input itself (e.g. an unknown \ command): the check's SQL is at fault
            return new QueryFailedException("ERROR: " + m.group(3).strip(), QueryFailedException.Reason.REJECTED);
        }
        int code = Integer.parseInt(m.group(1));
        String message = "ERROR " + code + " (" + m.group(2) + "): " + m.group(3).strip();
        QueryFailedException.Reason reason;
        if (TIMEOUT_ERRORS.contains(code)) {
            reason = QueryFailedException.Reason.TIMED_OUT;
        } else if (CIRCUMSTANCE_ERRORS.contains(code) || (code >= 2000 && code < 3000)) {
            reason = QueryFailedException.Reason.UNAVAILABLE;
        } else {
            reason = QueryFailedException.Reason.REJECTED;
        }
        return new QueryFailedException(message, reason);
    }

    /**
     * How one client run logs in: the option file written for it (removed when it ends), or, in a
     * container, no option file at all and the user in argv.
     */
    private Login login() {
        if (!optionFiles) {
            return new Login(List.of("--no-defaults", "--user=" + endpoint.user()), null);
        }
        Optional<String> password = endpoint.passwordFile().map(f -> PrivateFiles.readFirstLine(f,
                "password file for " + endpoint.user() + "@" + endpoint.host() + ":" + endpoint.port()));
        PrivateFiles.TemporarySecret file = OptionFile.write(endpoint.user(), password);
        return new Login(List.of("--defaults-file=" + file.file()), file);
    }

    /** The client's first arguments, and the option file they name, if any. */
    private record Login(List<String> arguments, PrivateFiles.TemporarySecret optionFile) implements AutoCloseable {
        @Override
        public void close() {
            if (optionFile != null) {
                optionFile.close();
            }
        }
    }

    private static XmlRows.Listener listener(java.util.function.Consumer<List<Optional<String>>> rows) {
        return new XmlRows.Listener() {
            @Override
            public void resultSet() {
                // every statement here returns one result set; rows are taken in order
            }

            @Override
            public void row(List<Optional<String>> values) {
                rows.accept(values);
            }
        };
    }
}
