package io.lifeboat.drills.postgres;

/**
 * No installed PostgreSQL can do what was asked. The message names what is installed and the
 * Debian package that would fix it, e.g. "pg_dump 16 or newer is needed for a PostgreSQL 16
 * server; installed: 13.11 (/usr/lib/postgresql/13/bin), 15.4 (…); install postgresql-client-16".
 */
public class PostgresNotInstalledException extends RuntimeException {
    public PostgresNotInstalledException(String message) {
        super(message);
    }
}
