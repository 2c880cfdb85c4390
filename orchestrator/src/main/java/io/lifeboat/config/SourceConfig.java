package io.lifeboat.config;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param maxBackupAge the newest complete backup may be at most this old before the report calls
 *                     the source OVERDUE; empty: the schedule's interval plus the grace period
 * @param line         line of the source's key in the file, for later error messages
 * @param restore      how a restore of this source is confirmed ({@code restore_gate},
 *                     {@code restore_request_expiry})
 * @param connectTimeout {@code connect_timeout}: how long lifeboat's own connection (made before
 *                     the dump starts) and pg_dump's may take to log in before the job fails
 *                     (exit 3) instead of hanging on a server that accepts and never answers
 *                     (mariadb-dump has no such option; lifeboat's connection comes first)
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
        Optional<Duration> maxBackupAge,
        int line,
        RestorePolicy restore,
        Duration connectTimeout) {

    /** {@code connect_timeout} when the source sets none. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** A source with the default {@code connect_timeout}. */
    public SourceConfig(String name, String engine, String host, int port, String database, String user,
                        Optional<Path> passwordFile, String sslMode, String target, Optional<String> schedule,
                        boolean canary, Optional<Duration> maxBackupAge, int line, RestorePolicy restore) {
        this(name, engine, host, port, database, user, passwordFile, sslMode, target, schedule, canary, maxBackupAge, line,
                restore, DEFAULT_CONNECT_TIMEOUT);
    }

    /** A source without its own maximum backup age, with the default restore policy (the terminal gate). */
    public SourceConfig(String name, String engine, String host, int port, String database, String user,
                        Optional<Path> passwordFile, String sslMode, String target, Optional<String> schedule,
                        boolean canary, int line) {
        this(name, engine, host, port, database, user, passwordFile, sslMode, target, schedule, canary, Optional.empty(), line,
                RestorePolicy.DEFAULT);
    }

    /** A source with the default restore policy (the terminal gate). */
    public SourceConfig(String name, String engine, String host, int port, String database, String user,
                        Optional<Path> passwordFile, String sslMode, String target, Optional<String> schedule,
                        boolean canary, Optional<Duration> maxBackupAge, int line) {
        this(name, engine, host, port, database, user, passwordFile, sslMode, target, schedule, canary, maxBackupAge, line,
                RestorePolicy.DEFAULT);
    }

    /** A source without its own maximum backup age. */
    public SourceConfig(String name, String engine, String host, int port, String database, String user,
                        Optional<Path> passwordFile, String sslMode, String target, Optional<String> schedule,
                        boolean canary, int line, RestorePolicy restore) {
        this(name, engine, host, port, database, user, passwordFile, sslMode, target, schedule, canary, Optional.empty(), line,
                restore);
    }
}
