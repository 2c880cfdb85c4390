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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running pg_dump plus the transaction whose snapshot it dumps. The transaction stays open
 * until pg_dump has finished: an exported snapshot is only importable while its transaction
 * lives. pg_dump's stdout passes through an {@link ArchiveRowCounter}, so the row counts are
 * read from the archive itself and the database scans each table once. Only when the counter
 * could not read the archive are the rows counted with {@code count(*)}, after pg_dump, in the
 * same transaction and so in the same snapshot (an error there can no longer hurt pg_dump's
 * import of the snapshot: it is done).
 */
final class PostgresDumpSession implements DumpSession {

    private static final Logger log = LoggerFactory.getLogger(PostgresDumpSession.class);

    private final SourceConfig source;
    private final Connection connection;
    private final ChildProcess dump;
    private final Optional<PrivateFiles.TemporarySecret> passfile;
    private final String serverVersion;
    private final PostgresInstallation tools;
    private final ArchiveRowCounter counter;
    private final Optional<CanaryRow> canary;
    private boolean finished;

    PostgresDumpSession(SourceConfig source, Connection connection, ChildProcess dump,
                        Optional<PrivateFiles.TemporarySecret> passfile, String serverVersion, PostgresInstallation tools,
                        Optional<CanaryRow> canary) {
        this.canary = canary;
        this.source = source;
        this.connection = connection;
        this.dump = dump;
        this.passfile = passfile;
        this.serverVersion = serverVersion;
        this.tools = tools;
        this.counter = new ArchiveRowCounter(dump.stdout());
    }

    @Override
    public InputStream stream() {
        return counter;
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
            Optional<Map<String, Long>> read = counter.counts();
            if (read.isPresent()) {
                counts = new LinkedHashMap<>(read.get());
                countExtensionConfigurationTables(counts);
            } else {
                log.warn("source {}: the row counts could not be read from pg_dump's archive ({}); counting each table in the"
                        + " dump's snapshot instead", source.name(), counter.declined().orElse("no reason given"));
                counts = countRows();
            }
        } catch (SQLException e) {
            throw new LifeboatException(ExitCode.FAILED, "counting rows of source " + source.name()
                    + " in the dump's snapshot failed: " + e.getMessage(), e);
        }
        finished = true;
        close();
        return new DumpInfo(serverVersion, "pg_dump-custom",
                Map.of("pg_dump", tools.version()), counts, canary);
    }

    /**
     * An extension's configuration table (PostGIS's {@code spatial_ref_sys}, say) is in the
     * archive only with the rows its extension's filter lets through, the ones users added; a
     * restore gets the rest from {@code CREATE EXTENSION}. What a drill will find there is the
     * whole table, so that is what the manifest records: counted in the dump's snapshot. (Usually
     * there is none; the lookup is one catalog query.)
     */
    private void countExtensionConfigurationTables(Map<String, Long> counts) throws SQLException {
        for (String[] t : tables("""
                SELECT n.nspname, c.relname FROM pg_extension e CROSS JOIN LATERAL unnest(e.extconfig) AS config(oid)
                JOIN pg_class c ON c.oid = config.oid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r'""")) {
            String key = t[0] + "." + t[1];
            if (counts.containsKey(key)) {
                counts.put(key, countStar(t));
            }
        }
    }

    private long countStar(String[] table) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + ident(table[0]) + "." + ident(table[1]))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<String, Long> countRows() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        // Plain tables only ('r'): a partitioned parent ('p') has no rows of its own, and ONLY
        // (in countStar) keeps inheritance parents from counting their children's rows again.
        for (String[] t : tables("""
                SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                ORDER BY 1, 2""")) {
            counts.put(t[0] + "." + t[1], countStar(t));
        }
        return counts;
    }

    /** Schema and name of each table the query lists (in its first two columns). */
    private List<String[]> tables(String sql) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return tables;
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
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // read-only transaction; the connection is closed next anyway
        }
        PostgresEngine.closeQuietly(connection);
        passfile.ifPresent(PrivateFiles.TemporarySecret::close);
    }
}
