package io.lifeboat.drills.sandbox;

import java.util.Objects;

/**
 * A database a drill must never restore into: the endpoint of a configured source (production).
 *
 * @param name     the source's name in the configuration, for messages
 * @param host     host name, address or Unix socket directory
 * @param port     port
 * @param database database name
 */
public record ProtectedDatabase(String name, String host, int port, String database) {
    public ProtectedDatabase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
    }
}
