package io.lifeboat.engine.mariadb;

import io.lifeboat.config.SourceConfig;
import io.lifeboat.drills.CanaryRow;
import io.lifeboat.drills.mariadb.MariaDbTools;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.engine.DumpFailedException;
import io.lifeboat.engine.DumpInfo;
import io.lifeboat.engine.DumpSession;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code mariadb-dump}. Its stdout passes through an {@link InsertRowCounter}, so the
 * row counts are complete when the pipeline has read the stream to its end.
 */
final class MariaDbDumpSession implements DumpSession {

    private final SourceConfig source;
    private final ChildProcess dump;
    private final PrivateFiles.TemporarySecret login;
    private final String serverVersion;
    private final MariaDbTools tools;
    private final List<String> tables;
    private final Optional<CanaryRow> canary;
    private final InsertRowCounter counter;
    private boolean finished;

    MariaDbDumpSession(SourceConfig source, ChildProcess dump, PrivateFiles.TemporarySecret login, String serverVersion,
                       MariaDbTools tools, List<String> tables, Optional<CanaryRow> canary) {
        this.source = source;
        this.dump = dump;
        this.login = login;
        this.serverVersion = serverVersion;
        this.tools = tools;
        this.tables = List.copyOf(tables);
        this.canary = canary;
        this.counter = new InsertRowCounter(dump.stdout());
    }

    @Override
    public InputStream stream() {
        return counter;
    }

    @Override
    public DumpInfo finish() {
        // Only after stdout was read to its end: then the exit status and the counts are final.
        ProcessOutcome outcome = dump.waitFor(365, TimeUnit.DAYS);
        if (!outcome.succeeded()) {
            throw new DumpFailedException(tools.dumpName() + " of source " + source.name() + " failed: " + outcome.describe());
        }
        // Every base table listed before the dump, empty ones too; and any the dump has that the
        // list had not (created between the listing and the dump's snapshot).
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Long> seen = counter.counts();
        tables.forEach(t -> counts.put(t, seen.getOrDefault(t, 0L)));
        seen.forEach(counts::putIfAbsent);
        String dumpVersion = MariaDbTools.versionOf(tools.dump());
        finished = true;
        close();
        return new DumpInfo(serverVersion, MariaDbEngine.FORMAT, Map.of(tools.dumpName(), dumpVersion), counts, canary);
    }

    @Override
    public void close() {
        if (!finished) {
            dump.kill();
        }
        dump.close();
        login.close();
    }
}
