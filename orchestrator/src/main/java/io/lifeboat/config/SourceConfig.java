package io.lifeboat.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A database lifeboat backs up.
 *
 * @param name         the key under {@code sources:}; also the folder under the target's prefix
 * @param engine       engine name as registered ({@code postgres})
 * @param host         host name or address
 * @param port         TCP port
 * @param database     database name
 * @param user         login role
 * @param passwordFile file holding the password alone on its first line; must not be readable
 *                     by group or others. Empty: no password (trust, peer or certificate auth).
 * @param sslMode      libpq sslmode for both lifeboat's own connection and the dump tool
 * @param target       name of the target under {@code targets:}
 * @param schedule     Quartz cron expression for scheduled backups (used by {@code serve})
 * @param canary       write a timestamped row into {@code lifeboat_canary} just before each dump,
 *                     which drills of that backup then require (default false)
 * @param line         line of the source's key in the file, for later error messages
 */
public record SourceConfig(
        String name,
        String engine,
        String host,
        int port,
        String database,
        String user,
        Optional<Path> passwordFile,
        String sslMode,
        String target,
        Optional<String> schedule,
        boolean canary,
        int line) {
}
