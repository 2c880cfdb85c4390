package io.lifeboat.drills.postgres;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ChildProcessException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The PostgreSQL binaries installed on this host, and the choice among them.
 *
 * <p>Several majors can live side by side (Debian: {@code /usr/lib/postgresql/<major>/bin}) and
 * at most one is on {@code PATH}, so lifeboat never takes {@code pg_dump} from {@code PATH}: it
 * picks by the server's {@code server_version_num}, because {@code pg_dump} refuses (or worse,
 * misreads) a server newer than itself.
 *
 * <p>Discovery scans {@code <root>/*}{@code /bin/pg_dump} and, as a fallback for layouts other than
 * Debian's, asks {@code pg_config --bindir}. Each candidate's version comes from running
 * {@code pg_dump --version}; a candidate that fails to run is left out and named in
 * {@link #problems()}. An instance is an immutable snapshot of what was found.
 */
public final class PostgresInstallations {

    /** Where Debian and Ubuntu install every major. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private static final Pattern PG_DUMP_VERSION =
            Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(?:\\.(\\d+))?[0-9A-Za-z.]*)");
    private static final long PROBE_TIMEOUT_SECONDS = 20;

    private final List<PostgresInstallation> installations;
    private final List<String> problems;

    private PostgresInstallations(List<PostgresInstallation> installations, List<String> problems) {
        this.installations = installations.stream().sorted().collect(Collectors.toUnmodifiableList());
        this.problems = List.copyOf(problems);
    }

    /**
     * The selection for a server: the installation to use and whether it matches the server's
     * major exactly. A fallback (a newer {@code pg_dump}) can dump the server, but its archive
     * needs a {@code pg_restore} at least that new, so a drill shows {@link #warning()}.
     *
     * @param serverMajor the server's major version, as {@link #majorOf(int)} gives it
     */
    public record Selection(PostgresInstallation installation, int serverMajor, boolean exact) {
        public Selection {
            Objects.requireNonNull(installation, "installation");
        }

        /** Empty for an exact match; for a fallback, a sentence for the drill result. */
        public Optional<String> warning() {
            if (exact) {
                return Optional.empty();
            }
            return Optional.of("the server is PostgreSQL " + serverMajor + " but no pg_dump " + serverMajor
                    + " is installed; used " + installation + " instead (install "
                    + PostgresInstallation.clientPackage(serverMajor) + " for an exact match)");
        }
    }

    /** Scans {@link #DEBIAN_ROOT} and asks {@code pg_config} from {@code PATH}, if there is one. */
    public static PostgresInstallations discover() {
        return scan(DEBIAN_ROOT, findOnPath("pg_config"));
    }

    /**
     * Scans {@code root/*}{@code /bin} for {@code pg_dump}, then adds {@code pg_config --bindir}'s
     * directory if it is not one of those already found.
     *
     * @param root     a directory laid out like {@code /usr/lib/postgresql}; need not exist
     * @param pgConfig a {@code pg_config} program to ask as well
     */
    public static PostgresInstallations scan(Path root, Optional<Path> pgConfig) {
        Map<Path, PostgresInstallation> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> majors = Files.newDirectoryStream(root)) {
                for (Path majorDir : majors) {
                    Path binDir = majorDir.resolve("bin");
                    if (Files.isExecutable(binDir.resolve("pg_dump"))) {
                        probe(binDir, found, problems);
                    }
                }
            } catch (IOException e) {
                problems.add("could not list " + root + ": " + e.getMessage());
            }
        }
        pgConfig.ifPresent(pgc -> {
            try {
                Path binDir = Path.of(ChildProcess.run(List.of(pgc.toString(), "--bindir"), Map.of(),
                        PROBE_TIMEOUT_SECONDS).strip());
                if (Files.isExecutable(binDir.resolve("pg_dump"))) {
                    probe(binDir, found, problems);
                }
            } catch (ChildProcessException | UncheckedIOException e) {
                problems.add(pgc + " --bindir failed: " + e.getMessage());
            }
        });
        return new PostgresInstallations(new ArrayList<>(found.values()), problems);
    }

    /** A fixed list, for callers that already know their installations. */
    public static PostgresInstallations of(List<PostgresInstallation> installations) {
        return new PostgresInstallations(installations, List.of());
    }

    /**
     * Describes the binaries in one directory by running its {@code pg_dump --version}.
     *
     * @throws PostgresNotInstalledException when there is no working {@code pg_dump} there
     */
    public static PostgresInstallation inspect(Path binDir) {
        Map<Path, PostgresInstallation> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        probe(binDir, found, problems);
        if (found.isEmpty()) {
            throw new PostgresNotInstalledException(problems.isEmpty()
                    ? "no pg_dump in " + binDir : String.join("; ", problems));
        }
        return found.values().iterator().next();
    }

    /**
     * The major version of a server, from {@code SHOW server_version_num}: 150019 → 15,
     * 100023 → 10, 90624 → 9 (9.6.24; before 10 the major had two parts and the number is
     * {@code 9*10000 + 6*100 + 24}, so it is not "90").
     *
     * @throws IllegalArgumentException for a number no PostgreSQL release has
     */
    public static int majorOf(int serverVersionNum) {
        if (serverVersionNum < 60000 || serverVersionNum > 999999) {
            throw new IllegalArgumentException("not a PostgreSQL server_version_num: " + serverVersionNum);
        }
        return serverVersionNum / 10000;
    }

    /** Everything found, oldest first. */
    public List<PostgresInstallation> all() {
        return installations;
    }

    /** Candidates that were found but could not be used, with the reason; for diagnostics. */
    public List<String> problems() {
        return problems;
    }

    /**
     * The binaries to dump a server of major {@code serverMajor} with: exactly that major if
     * installed, else the newest installation above it (pg_dump must be at least the server's
     * major; the newest has the most fixes for dumping older servers). Among equal majors the
     * newest minor wins.
     *
     * @throws PostgresNotInstalledException when only older majors (or none) are installed; the
     *         message names what is installed and the package to install
     */
    public Selection forServerMajor(int serverMajor) {
        Optional<PostgresInstallation> exact = installations.stream()
                .filter(i -> i.major() == serverMajor)
                .max(Comparator.naturalOrder());
        if (exact.isPresent()) {
            return new Selection(exact.get(), serverMajor, true);
        }
        Optional<PostgresInstallation> newer = installations.stream()
                .filter(i -> i.major() > serverMajor)
                .max(Comparator.naturalOrder());
        if (newer.isPresent()) {
            return new Selection(newer.get(), serverMajor, false);
        }
        String wanted = serverMajor >= 10
                ? PostgresInstallation.clientPackage(serverMajor)
                : "postgresql-client-" + serverMajor + ".x or any newer postgresql-client-<major>";
        throw new PostgresNotInstalledException("pg_dump " + serverMajor + " or newer is needed for a PostgreSQL "
                + serverMajor + " server; " + describeInstalled() + "; install the Debian package " + wanted);
    }

    /**
     * The newest installation.
     *
     * @throws PostgresNotInstalledException when nothing is installed
     */
    public PostgresInstallation newest() {
        if (installations.isEmpty()) {
            throw new PostgresNotInstalledException(describeInstalled()
                    + "; install the Debian package postgresql-client-<major> (e.g. postgresql-client-15)");
        }
        return installations.get(installations.size() - 1);
    }

    /**
     * The newest installation that can also run a server ({@code initdb}, {@code pg_ctl},
     * {@code postgres}), for private clusters.
     *
     * @throws PostgresNotInstalledException when no installation has its server package
     */
    public PostgresInstallation newestServer() {
        for (int i = installations.size() - 1; i >= 0; i--) {
            if (installations.get(i).hasServer()) {
                return installations.get(i);
            }
        }
        throw new PostgresNotInstalledException("no PostgreSQL server binaries (initdb, pg_ctl, postgres); "
                + describeInstalled() + "; install the Debian package postgresql-<major> (e.g. postgresql-15)");
    }

    private String describeInstalled() {
        String probs = problems.isEmpty() ? "" : " (could not use: " + String.join("; ", problems) + ")";
        if (installations.isEmpty()) {
            return "no PostgreSQL installation found" + probs;
        }
        return "installed: " + installations.stream()
                .map(i -> i.version() + " (" + i.binDir() + ")")
                .collect(Collectors.joining(", ")) + probs;
    }

    private static void probe(Path binDir, Map<Path, PostgresInstallation> found, List<String> problems) {
        Path key;
        try {
            key = binDir.toRealPath();
        } catch (IOException e) {
            problems.add(binDir + ": " + e.getMessage());
            return;
        }
        if (found.containsKey(key)) {
            return;
        }
        Path pgDump = binDir.resolve("pg_dump");
        String out;
        try {
            out = ChildProcess.run(List.of(pgDump.toString(), "--version"), Map.of(), PROBE_TIMEOUT_SECONDS);
        } catch (ChildProcessException | UncheckedIOException e) {
            problems.add(pgDump + " --version failed: " + e.getMessage());
            return;
        }
        Matcher m = PG_DUMP_VERSION.matcher(out);
        if (!m.find()) {
            problems.add(pgDump + " --version printed no PostgreSQL version: " + out.strip());
            return;
        }
        found.put(key, new PostgresInstallation(Integer.parseInt(m.group(2)), binDir, m.group(1)));
    }

    private static Optional<Path> findOnPath(String program) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
