package io.lifeboat.engine.postgres;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.postgres.PostgresInstallation;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.engine.DumpFailedException;
import io.lifeboat.engine.DumpInfo;
import io.lifeboat.engine.DumpSession;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A running pg_dump plus the transaction whose snapshot it dumps. The transaction stays open
 * until pg_dump has finished: an exported snapshot is only importable while its transaction
 * lives. The row counts are taken meanwhile on a second connection and thread that imported the
 * same snapshot.
 */
final class PostgresDumpSession implements DumpSession {

    private final SourceConfig source;
    private final Connection connection;
    private final Connection counter;
    private final ChildProcess dump;
    private final Optional<PrivateFiles.TemporarySecret> passfile;
    private final String serverVersion;
    private final PostgresInstallation tools;
    private final CompletableFuture<Map<String, Long>> rowCounts;
    private final Optional<CanaryRow> canary;
    private boolean finished;

    PostgresDumpSession(SourceConfig source, Connection connection, Connection counter, ChildProcess dump,
                        Optional<PrivateFiles.TemporarySecret> passfile, String serverVersion, PostgresInstallation tools,
                        Optional<CanaryRow> canary) {
        this.canary = canary;
        this.source = source;
        this.connection = connection;
        this.counter = counter;
        this.dump = dump;
        this.passfile = passfile;
        this.serverVersion = serverVersion;
        this.tools = tools;
        this.rowCounts = CompletableFuture.supplyAsync(this::countRows, runnable -> {
            Thread t = new Thread(runnable, "lifeboat-rowcount-" + source.name());
            t.setDaemon(true);
            t.start();
        });
    }

    @Override
    public InputStream stream() {
        return dump.stdout();
    }

    @Override
    public DumpInfo finish() {
        // Only after stdout was read to its end: then the exit status is final.
        ProcessOutcome outcome = dump.waitFor(365, TimeUnit.DAYS);
        if (!outcome.succeeded()) {
            throw new DumpFailedException("pg_dump of source " + source.name() + " failed: " + outcome.describe());
        }
        Map<String, Long> counts;
        try {
            counts = rowCounts.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ExitCode.INCOMPLETE, "interrupted while counting rows of source " + source.name());
        } catch (ExecutionException e) {
            throw new LifeboatException(ExitCode.FAILED, "counting rows of source " + source.name()
                    + " in the dump's snapshot failed: " + e.getCause().getMessage(), e.getCause());
        }
        finished = true;
        close();
        return new DumpInfo(serverVersion, "pg_dump-custom",
                Map.of("pg_dump", tools.version()), counts, canary);
    }

    private Map<String, Long> countRows() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Statement st = counter.createStatement()) {
            List<String[]> tables = new ArrayList<>();
            // Plain tables only ('r'): a partitioned parent ('p') has no rows of its own, and
            // ONLY keeps inheritance parents from counting their children's rows again.
            try (ResultSet rs = st.executeQuery("""
                    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                    ORDER BY 1, 2""")) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + ident(t[0]) + "." + ident(t[1]))) {
                    rs.next();
                    counts.put(t[0] + "." + t[1], rs.getLong(1));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() {
        if (!finished) {
            dump.kill();
        }
        dump.close();
        rowCounts.cancel(true);
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // read-only transaction; the connection is closed next anyway
        }
        PostgresEngine.closeQuietly(counter);
        PostgresEngine.closeQuietly(connection);
        passfile.ifPresent(PrivateFiles.TemporarySecret::close);
    }
}
