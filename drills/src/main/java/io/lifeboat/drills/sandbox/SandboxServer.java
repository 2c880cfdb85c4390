package io.lifeboat.drills.sandbox;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A database server declared in the configuration as a place where drills may create, restore
 * into and drop throwaway databases (the {@code server} sandbox kind). Only servers declared
 * this way pass the {@link SandboxGuard}.
 *
 * @param name         its name in the configuration, for messages
 * @param host         host name or address (or, for PostgreSQL, a Unix socket directory)
 * @param port         TCP port (for a socket directory: the port in the socket's name)
 * @param user         the role drills connect as; it needs the right to create databases
 * @param passwordFile a 0600 file holding the password alone on its first line; empty for
 *                     servers that need none (trust, peer, certificates)
 * @param sslmode      libpq's {@code sslmode} ({@code disable}, {@code prefer}, {@code require}, …)
 */
public record SandboxServer(String name, String host, int port, String user, Optional<Path> passwordFile,
                            String sslmode) {

    public SandboxServer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(sslmode, "sslmode");
        if (host.isBlank()) {
            throw new IllegalArgumentException("sandbox server " + name + " has no host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("sandbox server " + name + " has port " + port + ", not 1-65535");
        }
    }

    /** {@code host:port}, for messages. */
    public String endpoint() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
