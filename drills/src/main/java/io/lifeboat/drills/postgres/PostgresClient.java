package io.lifeboat.drills.postgres;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.process.ToolLauncher;
import io.lifeboat.drills.process.ToolProcess;
import io.lifeboat.drills.restore.Ownership;
import io.lifeboat.drills.sandbox.DumpReadException;
import io.lifeboat.drills.sandbox.ClientRun;
import io.lifeboat.drills.sandbox.DatabaseClient;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import io.lifeboat.drills.sandbox.RestoreFailedException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code psql} and {@code pg_restore} against one PostgreSQL server, as every PostgreSQL
 * sandbox uses them. Where the tools run is a {@link ToolLauncher}: the installed binaries on
 * this host ({@code ephemeral}, {@code server}), or inside the sandbox's container through exec
 * ({@code docker}); everything else here (arguments, deadlines, output parsing, error
 * classification) is the same for all.
 *
 * <ul>
 *   <li>Connection parameters go in one libpq connection string in argv ({@code -d}); it holds
 *       the path of a passfile, never a password. The passfile is written per command into a
 *       0700 directory ({@link PrivateFiles#writeTemporary}) and removed when the command ends,
 *       so a password is on disk only while a client that needs it runs.</li>
 *   <li>The SQL of a query goes in {@code -c}, which psql sends to the server as it is: no psql
 *       meta-commands ({@code \!} would run a shell) and no {@code :variable} interpolation.</li>
 *   <li>Results are read as CSV with a random NULL marker (psql prints NULL and '' alike
 *       otherwise), streamed, so a query returning many rows costs no memory.</li>
 *   <li>Every command has a deadline: {@code statement_timeout} inside the server, and the client
 *       is killed a little after it in any case (a server that stops answering, a hung connect).</li>
 *   <li>Errors are read with {@code VERBOSITY=verbose} so that the SQLSTATE tells a query the
 *       database rejected (the data is wrong) from one it could not answer.</li>
 * </ul>
 */
final class PostgresClient implements DatabaseClient {

    /** Where a server is and how to log in. */
    record Endpoint(String host, int port, String user, String sslmode, Optional<Path> passwordFile) {
        Endpoint {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(sslmode, "sslmode");
            Objects.requireNonNull(passwordFile, "passwordFile");
        }
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long after its deadline a client is killed: connecting and starting take time too. */
    private static final Duration CLIENT_GRACE = CONNECT_TIMEOUT.plusSeconds(5);
    /** Output is UTF-8 whatever the database's encoding: the server converts. */
    private static final Map<String, String> CLIENT_ENV = Map.of("PGCLIENTENCODING", "UTF8");
    /** A server error in verbose form: {@code ERROR:  42P01: relation "x" does not exist}. */
    private static final Pattern SERVER_ERROR = Pattern.compile("^(\\p{Lu}+):\\s+([0-9A-Z]{5}): (.*)$", Pattern.MULTILINE);
    private static final Pattern VERSION_MAJOR = Pattern.compile("^\\s*(\\d+)(?:\\.(\\d+))?");
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Row counts of the plain tables, the way the orchestrator counts them into the manifest
     * (relkind 'r', ONLY, "schema.table"), one {@code count(*)} statement per table through
     * psql's {@code \gexec}, so that a huge table gets the statement timeout to itself rather
     * than one statement for all.
     */
    private static final String ROW_COUNTS_SCRIPT = """
            SELECT format('SELECT %L, count(*) FROM ONLY %I.%I', n.nspname || '.' || c.relname, n.nspname, c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            ORDER BY n.nspname, c.relname
            \\gexec
            """;

    private final ToolLauncher launcher;
    private final Endpoint endpoint;

    /** Clients from {@code tools}' bin directory, run on this host. */
    PostgresClient(PostgresInstallation tools, Endpoint endpoint) {
        this(local(tools), endpoint);
    }

    /** Clients started by {@code launcher} (a container's exec, say), named {@code psql} and {@code pg_restore}. */
    PostgresClient(ToolLauncher launcher, Endpoint endpoint) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The binaries of one installation as child processes of this JVM. */
    static ToolLauncher local(PostgresInstallation tools) {
        Objects.requireNonNull(tools, "tools");
        return (tool, args, env) -> {
            List<String> command = new ArrayList<>();
            command.add(tools.tool(tool).toString());
            command.addAll(args);
            return ChildProcess.start(command, env, Optional.empty(), Optional.empty());
        };
    }

    /** The first row of {@code sql}'s (last statement's) result and the number of rows. */
    @Override
    public QueryResult query(String database, String sql, Duration timeout) throws QueryFailedException {
        String nullMarker = "lifeboat-null-" + HexFormat.of().formatHex(randomBytes(12));
        AtomicReference<List<Optional<String>>> first = new AtomicReference<>();
        long[] rows = {0};
        // SHOW_ALL_RESULTS=off: of "SET ...; SELECT ..." only the last result counts, as in psql < 15
        List<String> args = List.of("--csv", "-t", "-P", "null=" + nullMarker, "-v", "SHOW_ALL_RESULTS=off", "-c", asSql(sql));
        runPsql(database, args, Optional.empty(), timeout, stdout ->
                rows[0] = CsvRows.read(reader(stdout), nullMarker, record -> first.compareAndSet(null, record)));
        List<Optional<String>> columns = first.get() == null ? List.of() : first.get().stream()
                .map(v -> v.map(PostgresClient::normalizeBoolean)).toList();
        return new QueryResult(columns, rows[0]);
    }

    /**
     * Every row of {@code sql}'s result, for small catalog queries (lifeboat's own bookkeeping,
     * never a drill's checks): more than {@code maxRows} rows is an error rather than a memory
     * problem.
     */
    List<List<Optional<String>>> rows(String database, String sql, int maxRows, Duration timeout) throws QueryFailedException {
        String nullMarker = "lifeboat-null-" + HexFormat.of().formatHex(randomBytes(12));
        List<List<Optional<String>>> rows = new ArrayList<>();
        runPsql(database, List.of("--csv", "-t", "-P", "null=" + nullMarker, "-c", asSql(sql)), Optional.empty(), timeout,
                stdout -> CsvRows.read(reader(stdout), nullMarker, record -> {
                    if (rows.size() < maxRows + 1) {
                        rows.add(List.copyOf(record));
                    }
                }));
        if (rows.size() > maxRows) {
            throw new QueryFailedException("more than " + maxRows + " rows from: " + sql, QueryFailedException.Reason.UNAVAILABLE);
        }
        return rows;
    }

    /** Runs statements whose output does not matter (CREATE DATABASE, DROP DATABASE). */
    void execute(String database, String sql, Duration timeout) throws QueryFailedException {
        runPsql(database, List.of("-c", asSql(sql)), Optional.empty(), timeout, in -> in.transferTo(OutputStream.nullOutputStream()));
    }

    /**
     * psql runs a {@code -c} argument that starts with a backslash as a meta-command ({@code \!}
     * would run a shell, as root); after a leading space it is SQL for the server, which ignores
     * the space.
     */
    static String asSql(String sql) {
        return " " + sql;
    }

    /** {@code schema.table → rows} for every plain table. */
    @Override
    public Map<String, Long> rowCounts(String database, Duration timeout) throws QueryFailedException {
        String nullMarker = "lifeboat-null-" + HexFormat.of().formatHex(randomBytes(12));
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        runPsql(database, List.of("--csv", "-t", "-P", "null=" + nullMarker, "-f", "-"), Optional.of(ROW_COUNTS_SCRIPT),
                timeout, stdout -> CsvRows.read(reader(stdout), nullMarker, record -> {
                    if (record.size() == 2 && record.get(0).isPresent() && record.get(1).isPresent()) {
                        try {
                            counts.put(record.get(0).get(), Long.parseLong(record.get(1).get()));
                            return;
                        } catch (NumberFormatException e) {
                            // reported below
                        }
                    }
                    bad.add(record.toString());
                }));
        if (!bad.isEmpty()) {
            throw new QueryFailedException("unexpected output while counting rows: " + bad.get(0),
                    QueryFailedException.Reason.UNAVAILABLE);
        }
        return counts;
    }

    /** The server's {@code server_version_num}. */
    int serverVersionNum(String database) throws QueryFailedException {
        String v = query(database, "SHOW server_version_num", CONNECT_TIMEOUT).value().orElse("");
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new QueryFailedException("the server reported server_version_num '" + v + "'",
                    QueryFailedException.Reason.UNAVAILABLE);
        }
    }

    /**
     * {@code pg_restore} of a custom-format archive read from {@code dump} into {@code database},
     * single-threaded: an archive written to a pipe has no data offsets, and measured here
     * {@code -j 2} on such an archive cost 12 to 16 CPU seconds more for the same wall time
     * (bench/README.md). The stream is copied into pg_restore's stdin on this thread.
     *
     * <ul>
     *   <li>A read of {@code dump} fails: pg_restore is killed (it must not finish on a partial
     *       archive), and the read's exception is thrown as a {@link DumpReadException}.</li>
     *   <li>pg_restore stops reading (it failed, or the archive has trailing bytes): the rest of
     *       {@code dump} is still read and thrown away, because the stream verifies the backup's
     *       checksum at its end; then pg_restore's exit status decides.</li>
     * </ul>
     *
     * @throws RestoreFailedException with pg_restore's own message
     */
    @Override
    public void restore(String database, InputStream dump, Duration limit) throws RestoreFailedException, DumpReadException {
        // a sandbox has none of the source's roles: everything belongs to the sandbox's user
        restore(database, dump, limit, Ownership.RESTORING_USER);
    }

    /**
     * As {@link #restore(String, InputStream, Duration)}, keeping the archive's owners and grants
     * ({@link Ownership#AS_IN_BACKUP}: pg_restore's {@code ALTER … OWNER TO} and {@code GRANT}s
     * run, and a role missing on the server stops the restore with its name) or not
     * ({@code --no-owner --no-privileges}).
     */
    public void restore(String database, InputStream dump, Duration limit, Ownership ownership)
            throws RestoreFailedException, DumpReadException {
        List<String> args = new ArrayList<>(List.of("--no-password"));
        if (ownership == Ownership.RESTORING_USER) {
            args.addAll(List.of("--no-owner", "--no-privileges"));
        }
        ClientRun.Finished f;
        try (PassFile pass = passFile()) {
            args.addAll(List.of("--exit-on-error", "--dbname=" + conninfo(database, pass.path(), Optional.empty())));
            f = ClientRun.restore(launcher.start("pg_restore", args, CLIENT_ENV), dump, limit, CLIENT_GRACE);
        }
        f.requireRestored(limit);
    }

    private void runPsql(String database, List<String> args, Optional<String> stdin, Duration timeout,
                         ClientRun.StdoutReader reader) throws QueryFailedException {
        ClientRun.Finished f;
        try (PassFile pass = passFile()) {
            List<String> psqlArgs = new ArrayList<>(List.of("-X", "-q", "--no-password",
                    "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
                    "-d", conninfo(database, pass.path(), Optional.of(timeout))));
            psqlArgs.addAll(args);
            f = ClientRun.query(launcher.start("psql", psqlArgs, CLIENT_ENV), stdin.map(t -> t.getBytes(StandardCharsets.UTF_8)),
                    timeout.plus(CLIENT_GRACE), CLIENT_GRACE, reader);
        } catch (PrivateFiles.UnsafeFileException e) {
            throw new QueryFailedException(e.getMessage(), QueryFailedException.Reason.UNAVAILABLE);
        }
        f.requireAnswered(timeout, PostgresClient::classify);
    }

    /**
     * A failed psql as a {@link QueryFailedException}: the server's message when it sent one,
     * with a reason from its SQLSTATE class (08 connection, 53 resources, 57 operator
     * intervention, 58 system: the database could not answer; 57014 is the statement timeout);
     * otherwise psql's own complaint (could not connect).
     */
    static QueryFailedException classify(ProcessOutcome outcome) {
        Matcher m = SERVER_ERROR.matcher(outcome.stderrTail());
        if (m.find()) {
            String sqlState = m.group(2);
            String message = m.group(1) + ": " + m.group(3).strip();
            QueryFailedException.Reason reason;
            if (sqlState.equals("57014")) {
                reason = QueryFailedException.Reason.TIMED_OUT;
            } else if (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57")
                    || sqlState.startsWith("58")) {
                reason = QueryFailedException.Reason.UNAVAILABLE;
            } else {
                reason = QueryFailedException.Reason.REJECTED;
            }
            return new QueryFailedException(message, reason);
        }
        return new QueryFailedException(outcome.describe(), QueryFailedException.Reason.UNAVAILABLE);
    }

    /**
     * The connection string. Values are quoted as libpq wants ({@code '…'} with {@code \} escaping
     * {@code '} and {@code \}), so a database name cannot smuggle in other parameters.
     */
    String conninfo(String database, Optional<Path> passfile, Optional<Duration> statementTimeout) {
        StringBuilder s = new StringBuilder()
                .append("host=").append(quote(endpoint.host()))
                .append(" port=").append(endpoint.port())
                .append(" user=").append(quote(endpoint.user()))
                .append(" dbname=").append(quote(database))
                .append(" sslmode=").append(quote(endpoint.sslmode()))
                .append(" connect_timeout=").append(CONNECT_TIMEOUT.toSeconds())
                .append(" application_name=lifeboat-drill");
        passfile.ifPresent(p -> s.append(" passfile=").append(quote(p.toString())));
        statementTimeout.ifPresent(t -> s.append(" options=").append(quote("-c statement_timeout="
                + Math.max(1, t.toMillis()))));
        return s.toString();
    }

    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The major version in a version string: {@code 15.20} → 15, {@code 16.4 (Debian 16.4-1)} → 16, {@code 9.6.24} → 9. */
    static OptionalInt majorOf(String version) {
        if (version == null) {
            return OptionalInt.empty();
        }
        Matcher m = VERSION_MAJOR.matcher(version);
        if (!m.find()) {
            return OptionalInt.empty();
        }
        int major = Integer.parseInt(m.group(1));
        // before 10 the major had two parts; lifeboat counts 9.6 as 9, like PostgresInstallations.majorOf
        return major < 6 || major > 99 ? OptionalInt.empty() : OptionalInt.of(major);
    }

    /** psql prints booleans as t/f; checks and people read true/false. */
    private static String normalizeBoolean(String v) {
        return switch (v) {
            case "t" -> "true";
            case "f" -> "false";
            default -> v;
        };
    }

    private PassFile passFile() {
        if (endpoint.passwordFile().isEmpty()) {
            return new PassFile(null);
        }
        String password = PrivateFiles.readFirstLine(endpoint.passwordFile().get(),
                "password file for " + endpoint.user() + "@" + endpoint.host() + ":" + endpoint.port());
        // a file of its own, so any host, port, database and user may use the one line
        return new PassFile(PrivateFiles.writeTemporary("pgpass", "*:*:*:*:" + pgpassEscape(password) + "\n"));
    }

    private static String pgpassEscape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** A temporary passfile, or none. */
    private record PassFile(PrivateFiles.TemporarySecret secret) implements AutoCloseable {
        Optional<Path> path() {
            return secret == null ? Optional.empty() : Optional.of(secret.file());
        }

        @Override
        public void close() {
            if (secret != null) {
                secret.close();
            }
        }
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
