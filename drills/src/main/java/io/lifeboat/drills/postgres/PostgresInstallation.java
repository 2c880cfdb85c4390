package io.lifeboat.drills.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One installed set of PostgreSQL binaries, such as Debian's {@code /usr/lib/postgresql/15/bin}.
 *
 * @param major   the major version the way lifeboat counts them: 15 for 15.x, 9 for 9.6.x (pre-10
 *                releases had two-part majors; see {@link PostgresInstallations#majorOf(int)})
 * @param binDir  the directory holding {@code pg_dump} and, when the server package is installed,
 *                {@code initdb}, {@code pg_ctl} and {@code postgres}
 * @param version the version {@code pg_dump --version} reports, e.g. {@code 15.20} or {@code 17beta2}
 */
public record PostgresInstallation(int major, Path binDir, String version) implements Comparable<PostgresInstallation> {

    /** The binaries a private server needs; Debian ships them in {@code postgresql-<major>}. */
    static final List<String> SERVER_TOOLS = List.of("initdb", "pg_ctl", "postgres");

    public PostgresInstallation {
        Objects.requireNonNull(binDir, "binDir");
        Objects.requireNonNull(version, "version");
        if (major < 6) {
            throw new IllegalArgumentException("not a PostgreSQL major version: " + major);
        }
    }

    /** The path of one of this installation's programs ({@code pg_dump}, {@code psql}, …); it may not exist. */
    public Path tool(String name) {
        return binDir.resolve(name);
    }

    /**
     * Whether the server binaries are installed too: a client-only installation can dump but
     * cannot host a sandbox.
     */
    public boolean hasServer() {
        return SERVER_TOOLS.stream().map(this::tool).allMatch(Files::isExecutable);
    }

    /** The Debian package that provides this major's client tools ({@code pg_dump}, {@code pg_restore}, {@code psql}). */
    public String clientPackage() {
        return clientPackage(major);
    }

    /** The Debian package that provides this major's server ({@code initdb}, {@code pg_ctl}, {@code postgres}). */
    public String serverPackage() {
        return "postgresql-" + packageMajor(major, version);
    }

    static String clientPackage(int major) {
        return "postgresql-client-" + major;
    }

    /** Pre-10 Debian packages carry the two-part major ({@code postgresql-client-9.6}). */
    private static String packageMajor(int major, String version) {
        if (major >= 10) {
            return Integer.toString(major);
        }
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1].replaceAll("\\D.*", "") : Integer.toString(major);
    }

    /** Orders by major, then by version (numerically, part by part), so the newest sorts last. */
    @Override
    public int compareTo(PostgresInstallation other) {
        int byMajor = Integer.compare(major, other.major);
        return byMajor != 0 ? byMajor : compareVersions(version, other.version);
    }

    static int compareVersions(String a, String b) {
        String[] pa = a.split("\\D+");
        String[] pb = b.split("\\D+");
        for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
            int x = i < pa.length && !pa[i].isEmpty() ? Integer.parseInt(pa[i]) : 0;
            int y = i < pb.length && !pb[i].isEmpty() ? Integer.parseInt(pb[i]) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " (" + binDir + ")";
    }
}
