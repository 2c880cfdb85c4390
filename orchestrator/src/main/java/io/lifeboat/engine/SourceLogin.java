package io.lifeboat.engine;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.drills.process.PrivateFiles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** What every engine does alike with a source's connection settings: its password and JDBC URL parts. */
public final class SourceLogin {

    private SourceLogin() {
    }

    /**
     * The password from the source's 0600 password file; empty when it names none.
     *
     * @throws LifeboatException (bad usage) when the file is missing or readable by others
     */
    public static Optional<String> password(SourceConfig source) {
        return source.passwordFile().map(f -> {
            try {
                return PrivateFiles.readFirstLine(f, "password file of source " + source.name());
            } catch (PrivateFiles.UnsafeFileException e) {
                throw new LifeboatException(ExitCode.USAGE, e.getMessage());
            }
        });
    }

    /**
     * A JDBC connection to the source: {@code jdbc:<scheme>://host:port/database} with the login
     * and {@code driverProperties}.
     *
     * @param engine the engine's name for messages ("PostgreSQL")
     * @throws LifeboatException (could not complete) naming source, endpoint, database and user;
     *                           never the password
     */
    public static java.sql.Connection connect(SourceConfig source, Optional<String> password, String scheme,
                                              java.util.Properties driverProperties, String engine) {
        java.util.Properties props = new java.util.Properties();
        props.putAll(driverProperties);
        props.setProperty("user", source.user());
        password.ifPresent(p -> props.setProperty("password", p));
        try {
            return java.sql.DriverManager.getConnection("jdbc:" + scheme + "://" + jdbcAuthorityAndPath(source), props);
        } catch (java.sql.SQLException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "cannot connect to " + engine + " source " + source.name()
                    + " at " + source.host() + ":" + source.port() + " (database " + source.database() + ", user "
                    + source.user() + "): " + e.getMessage(), e);
        }
    }

    /** {@code host:port/database} for a JDBC URL: an IPv6 address in brackets, the database percent-encoded. */
    static String jdbcAuthorityAndPath(SourceConfig source) {
        String host = source.host().contains(":") && !source.host().startsWith("[") ? "[" + source.host() + "]" : source.host();
        return host + ":" + source.port() + "/"
                + URLEncoder.encode(source.database(), StandardCharsets.UTF_8).replace("+", "%20");
    }
}
