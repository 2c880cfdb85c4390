package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.process.PrivateFiles;

import java.util.Optional;

/**
 * A temporary MariaDB option file with the {@code [client]} login, in a 0700 directory
 * ({@link PrivateFiles#writeTemporary}): how a password reaches {@code mariadb} and
 * {@code mariadb-dump} without argv (readable by every user of the machine through /proc) or the
 * environment ({@code MYSQL_PWD}, readable by the same user and inherited by children). Pass
 * its path as the client's <em>first</em> argument ({@code --defaults-file=} or
 * {@code --defaults-extra-file=}); the clients ignore those options anywhere else.
 */
public final class OptionFile {

    private OptionFile() {
    }

    /** Writes {@code [client] user=… password=…}; the caller closes (removes) it when the client has ended. */
    public static PrivateFiles.TemporarySecret write(String user, Optional<String> password) {
        StringBuilder s = new StringBuilder("[client]\n").append("user=").append(quote(user)).append('\n');
        password.ifPresent(p -> s.append("password=").append(quote(p)).append('\n'));
        return PrivateFiles.writeTemporary("client.cnf", s.toString());
    }

    /**
     * A value in option-file syntax: double-quoted, so that {@code #} and {@code ;} are not taken
     * for a comment and surrounding spaces are kept, with {@code \} and {@code "} backslash-escaped
     * (the option-file reader unescapes {@code \\}, {@code \"}, {@code \n}, {@code \t}, …).
     */
    static String quote(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a MariaDB login cannot contain a line break");
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
