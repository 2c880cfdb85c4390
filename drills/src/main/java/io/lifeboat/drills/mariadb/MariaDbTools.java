package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.process.ChildProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MariaDB (or MySQL) programs installed on this machine. MariaDB 10.5 renamed its programs
 * ({@code mysqldump} → {@code mariadb-dump}, {@code mysql} → {@code mariadb}, …) and keeps the old
 * names as links for a while; the new names are preferred, the old ones used where they are all
 * there is (MySQL, older MariaDB).
 *
 * @param client    {@code mariadb} / {@code mysql}: runs SQL, restores a dump from stdin
 * @param dump      {@code mariadb-dump} / {@code mysqldump}
 * @param server    {@code mariadbd} / {@code mysqld}; empty when only the client package is installed
 * @param installDb {@code mariadb-install-db} / {@code mysql_install_db}; empty likewise
 */
public record MariaDbTools(Path client, Path dump, Optional<Path> server, Optional<Path> installDb) {

    /** Where Debian and most distributions put them; the server lives in sbin. */
    private static final List<String> DIRS = List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
            "/usr/local/mysql/bin");
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+\\.\\d+)(-MariaDB)?");

    /**
     * The programs on this machine.
     *
     * @throws MariaDbServerException when not even the client and the dump tool are installed
     */
    public static MariaDbTools discover() {
        Path client = find("mariadb", "mysql").orElseThrow(() -> new MariaDbServerException(
                "no MariaDB or MySQL client (mariadb, mysql) in " + DIRS + "; install the Debian package mariadb-client"));
        Path dump = find("mariadb-dump", "mysqldump").orElseThrow(() -> new MariaDbServerException(
                "no mariadb-dump or mysqldump in " + DIRS + "; install the Debian package mariadb-client"));
        return new MariaDbTools(client, dump, find("mariadbd", "mysqld"), find("mariadb-install-db", "mysql_install_db"));
    }

    private static Optional<Path> find(String... names) {
        for (String name : names) {
            for (String dir : DIRS) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a private server can be made: server and install-db programs are both there. */
    public boolean hasServer() {
        return server.isPresent() && installDb.isPresent();
    }

    /** The dump tool's file name ({@code mariadb-dump} or {@code mysqldump}), for messages and manifests. */
    public String dumpName() {
        return dump.getFileName().toString();
    }

    /**
     * The options that point {@code mariadb} or {@code mariadb-dump} at {@code host:port} over
     * TCP, with the configuration's {@code sslmode} (libpq's names, which lifeboat uses for every
     * engine) mapped to the client's: {@code disable} → {@code --skip-ssl}, {@code require} →
     * {@code --ssl}, {@code verify-ca} and {@code verify-full} → {@code --ssl --ssl-verify-server-cert};
     * {@code allow} and {@code prefer} leave the client's default. No login: that goes in an
     * {@link OptionFile}. Values are separate {@code --name=value} arguments, so a host cannot
     * smuggle in another option.
     */
    public static List<String> tcpOptions(String host, int port, String sslmode) {
        List<String> o = new java.util.ArrayList<>(List.of("--protocol=TCP", "--host=" + host, "--port=" + port));
        switch (sslmode) {
            case "disable" -> o.add("--skip-ssl");
            case "require" -> o.add("--ssl");
            case "verify-ca", "verify-full" -> o.addAll(List.of("--ssl", "--ssl-verify-server-cert"));
            default -> {
                // allow, prefer: the client's own default
            }
        }
        return List.copyOf(o);
    }

    /** The version a program reports ({@code mariadb-dump --version}), e.g. {@code 10.11.19-MariaDB}; "unknown" if it says none. */
    public static String versionOf(Path program) {
        String out = ChildProcess.run(List.of(program.toString(), "--version"), Map.of(), 30);
        Matcher m = VERSION.matcher(out);
        return m.find() ? m.group() : "unknown";
    }
}
