package io.lifeboat.drills.testing;

import io.lifeboat.drills.mariadb.MariaDbTools;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ProcessOutcome;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's MariaDB service on 127.0.0.1:3306 (root, empty password), where tests create
 * throwaway databases and users of their own and drop them. Nothing depends on what an earlier
 * run left: names carry this JVM's pid and a counter.
 */
public final class MachineMariaDb {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 3306;
    public static final String ROOT = "root";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private MachineMariaDb() {
    }

    public static MariaDbTools tools() {
        return MariaDbTools.discover();
    }

    /** A fresh name {@code <prefix><pid>_<n>} for a throwaway database or user. */
    public static String uniqueName(String prefix) {
        return prefix + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    }

    /** The client as root over TCP, no option files read; append options and a database. */
    public static List<String> client() {
        return new ArrayList<>(List.of(tools().client().toString(), "--no-defaults", "--protocol=TCP", "--host=" + HOST,
                "--port=" + PORT, "--user=" + ROOT, "--default-character-set=utf8mb4", "--batch", "--skip-column-names"));
    }

    /** Runs SQL (through stdin) on {@code database} (empty: none) as root and returns the tab-separated output. */
    public static String execute(String database, String sql) {
        List<String> command = client();
        if (!database.isEmpty()) {
            command.add("--database=" + database);
        }
        try (ChildProcess child = ChildProcess.start(command, Map.of(), Optional.empty(), Optional.empty())) {
            Thread feeder = new Thread(() -> {
                try (OutputStream in = child.stdin()) {
                    in.write(sql.getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the client failed; its status says why
                }
            }, "mariadb-stdin");
            feeder.setDaemon(true);
            feeder.start();
            byte[] out = child.stdout().readAllBytes();
            ProcessOutcome outcome = child.waitFor(300, TimeUnit.SECONDS);
            if (!outcome.succeeded()) {
                throw new IllegalStateException(outcome.describe());
            }
            return new String(out, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Databases on the machine's server whose names start with {@code prefix}. */
    public static List<String> databasesLike(String prefix) {
        String out = execute("", "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '"
                + prefix.replace("_", "\\_") + "%' ORDER BY 1");
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** {@code name} as an identifier. */
    public static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
