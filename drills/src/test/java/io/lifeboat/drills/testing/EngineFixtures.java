package io.lifeboat.drills.testing;

import java.util.List;
import java.util.Optional;

/**
 * What the sandbox contract needs to know of an engine: its dump fixtures (the same shop, dumped
 * by the engine's own tool, broken the same ways) and the SQL and messages that differ between
 * engines. {@link #POSTGRES} and {@link MariaDbFixtures#FIXTURES}.
 */
public interface EngineFixtures {

    /** The engine name backups carry ({@code postgres}, {@code mariadb}). */
    String engine();

    /** The dump format of the fixtures, as manifests name it. */
    String dumpFormat();

    /** A format of another engine, which this engine's sandboxes must refuse as a limitation. */
    String foreignDumpFormat();

    DumpFixtures.Dump good();

    DumpFixtures.Dump truncated();

    DumpFixtures.Dump missingOrdersTable();

    /** The restore tool's name as it appears in messages ({@code pg_restore}, {@code mariadb}). */
    String restoreTool();

    /** What a failed restore of the truncated dump begins with. */
    String truncatedRestoreMessagePrefix();

    /** A query that is true: the newest order is less than two days old. */
    String recentOrdersSql();

    /** How the engine's client prints true. */
    String trueValue();

    /** A query that sleeps for a minute. */
    String sleepSql();

    /**
     * A query over the event log returning ten rows of the note, NULL, '', 'a,"b"', an engine
     * quirk (PostgreSQL: 't' reads as true; MariaDB: the string 'NULL' is not NULL), 1.50;
     * {@link #awkwardValues()} is what the first row must read as.
     */
    String awkwardValuesSql();

    List<Optional<String>> awkwardValues();

    /** A statement that sets something and then a query whose answer is 2: the last statement counts. */
    String lastStatementCountsSql();

    /** The row-count key of the event log table. */
    String eventLogKey();

    /** The start of the error for a query on the missing orders table. */
    String missingTableMessagePrefix();

    /** The start of the error when a query is a client command ({@code \! echo …}). */
    String clientCommandMessagePrefix();

    /** PostgreSQL: {@link DumpFixtures}. */
    EngineFixtures POSTGRES = new EngineFixtures() {
        @Override
        public String engine() {
            return "postgres";
        }

        @Override
        public String dumpFormat() {
            return "pg_dump-custom";
        }

        @Override
        public String foreignDumpFormat() {
            return "mariadb-dump-sql";
        }

        @Override
        public DumpFixtures.Dump good() {
            return DumpFixtures.good();
        }

        @Override
        public DumpFixtures.Dump truncated() {
            return DumpFixtures.truncated();
        }

        @Override
        public DumpFixtures.Dump missingOrdersTable() {
            return DumpFixtures.missingOrdersTable();
        }

        @Override
        public String restoreTool() {
            return "pg_restore";
        }

        @Override
        public String truncatedRestoreMessagePrefix() {
            return "pg_restore exited with status 1: pg_restore: error:";
        }

        @Override
        public String recentOrdersSql() {
            return "SELECT max(created_at) > now() - interval '2 days' FROM orders";
        }

        @Override
        public String trueValue() {
            return "true";
        }

        @Override
        public String sleepSql() {
            return "SELECT pg_sleep(60)";
        }

        @Override
        public String awkwardValuesSql() {
            return "SELECT note, NULL, '', 'a,\"b\"', 't'::text, 1.50 FROM audit.\"Event Log\" ORDER BY id";
        }

        @Override
        public List<Optional<String>> awkwardValues() {
            return List.of(Optional.of("line one, with a comma\nline \"two\""), Optional.empty(), Optional.of(""),
                    Optional.of("a,\"b\""), Optional.of("true"), Optional.of("1.50"));
        }

        @Override
        public String lastStatementCountsSql() {
            return "SET search_path = audit, public; SELECT 2";
        }

        @Override
        public String eventLogKey() {
            return "audit.Event Log";
        }

        @Override
        public String missingTableMessagePrefix() {
            return "ERROR: relation \"orders\" does not exist";
        }

        @Override
        public String clientCommandMessagePrefix() {
            return "ERROR: syntax error";
        }
    };
}
