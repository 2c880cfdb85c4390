package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.sandbox.ClientSandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code ephemeral} MariaDB sandbox: a {@link PrivateMariaDbServer} of its own, socket-only,
 * holding one database {@value #DATABASE} that the backup is restored into. It needs no guard:
 * it is a server lifeboat has just made in a fresh directory. Made by
 * {@link EphemeralMariaDbSandboxProvider}; {@link #close()} stops the server and deletes it.
 */
public final class EphemeralMariaDbSandbox extends ClientSandbox {

    /** The database the backup is restored into. */
    public static final String DATABASE = "restored";

    private final PrivateMariaDbServer server;
    private final String version;

    EphemeralMariaDbSandbox(PrivateMariaDbServer server, MariaDbClient client, String version, List<String> warnings) {
        super(client, DATABASE, warnings);
        this.server = Objects.requireNonNull(server, "server");
        this.version = version;
    }

    /** The private server's directory; gone after {@link #close()}. */
    public Path directory() {
        return server.directory();
    }

    @Override
    public String describe() {
        return "ephemeral MariaDB " + version + ", socket-only private server in " + server.directory()
                + ", database " + DATABASE;
    }

    @Override
    protected void requireRestorable(String dumpFormat) {
        MariaDbDumpFormats.requireRestorable(dumpFormat);
    }

    /** Stops the server and deletes its directory and crash marker. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
