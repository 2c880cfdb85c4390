package io.lifeboat.drills.privateserver;

import io.lifeboat.drills.process.ProcessOwner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The note a private server leaves beside its directory saying which process owns it: the crash marker.
 *
 * <p>It is written before the cluster directory exists and removed after the directory is gone,
 * so at every moment in between a crash leaves a marker behind, and
 * {@link Orphans#reap} can tell from it that the owner is dead.
 * A process id alone is not enough (ids are reused), so the owner's start time is kept too.
 *
 * <p>The file is a small flat JSON object; this library has no JSON dependency, so it reads back
 * only what it writes.
 *
 * @param ownerPid       the JVM that started the cluster
 * @param ownerStartedAt when that JVM started, as the OS reports it; empty when it did not say
 * @param createdAt      when the marker was written
 * @param clusterDir     the cluster directory (informational: the reaper derives the directory
 *                       from the marker's own file name, never from its content)
 * @param binDir         the binaries the server was started with (a reaper stops it with them)
 */
public record ServerMarker(long ownerPid, Optional<Instant> ownerStartedAt, Instant createdAt, Path clusterDir,
                     Path binDir) {

    /** Ends every marker's file name; the part before it is the cluster directory's name. */
    public static final String SUFFIX = ".lifeboat-cluster.json";

    public ServerMarker {
        Objects.requireNonNull(ownerStartedAt, "ownerStartedAt");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(clusterDir, "clusterDir");
        Objects.requireNonNull(binDir, "binDir");
    }

    /** A marker naming this JVM as the owner. */
    public static ServerMarker forThisProcess(Path clusterDir, Path binDir) {
        ProcessHandle self = ProcessHandle.current();
        return new ServerMarker(self.pid(), self.info().startInstant(), Instant.now(), clusterDir, binDir);
    }

    /**
     * Whether the owning process still runs. Errs on the side of "alive": a cluster is only
     * reaped when its owner is certainly gone (no such process, or a different process that
     * reused the id).
     */
    public boolean ownerAlive() {
        return ProcessOwner.mayBeAlive(ownerPid, ownerStartedAt);
    }

    /** Writes the marker; fails if the file exists, which is how a cluster claims its name. */
    public void createAt(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
    }

    /**
     * Reads a marker.
     *
     * @throws IOException when the file cannot be read or is not a marker this code wrote
     */
    public static ServerMarker read(Path file) throws IOException {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return new ServerMarker(
                    Long.parseLong(field(json, "ownerPid").orElseThrow()),
                    field(json, "ownerStartedAt").map(Instant::parse),
                    Instant.parse(field(json, "createdAt").orElseThrow()),
                    Path.of(field(json, "clusterDir").orElseThrow()),
                    Path.of(field(json, "binDir").orElseThrow()));
        } catch (RuntimeException e) {
            throw new IOException("not a lifeboat cluster marker: " + file + " (" + e + ")", e);
        }
    }

    String toJson() {
        return "{\n"
                + "  \"format\": 1,\n"
                + "  \"ownerPid\": " + ownerPid + ",\n"
                + "  \"ownerStartedAt\": " + ownerStartedAt.map(i -> quote(i.toString())).orElse("null") + ",\n"
                + "  \"createdAt\": " + quote(createdAt.toString()) + ",\n"
                + "  \"clusterDir\": " + quote(clusterDir.toString()) + ",\n"
                + "  \"dataDir\": " + quote(clusterDir.resolve(Orphans.DATA_DIR).toString()) + ",\n"
                + "  \"binDir\": " + quote(binDir.toString()) + "\n"
                + "}\n";
    }

    private static final Pattern FIELD_VALUE = Pattern.compile("\\s*:\\s*(null|-?\\d+|\"((?:[^\"\\\\]|\\\\.)*)\")");

    /** The value of a top-level field: a number's digits, a string unescaped, or empty for null or absent. */
    private static Optional<String> field(String json, String name) {
        Matcher m = Pattern.compile(Pattern.quote(quote(name)) + FIELD_VALUE.pattern()).matcher(json);
        if (!m.find() || m.group(1).equals("null")) {
            return Optional.empty();
        }
        return Optional.of(m.group(2) != null ? unquote(m.group(2)) : m.group(1));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String unquote(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }

    /** For tests of the stale-marker logic: the same marker with another owner. */
    public ServerMarker withOwner(long pid, Optional<Instant> startedAt) {
        return new ServerMarker(pid, startedAt, createdAt, clusterDir, binDir);
    }

    static boolean isMarkerName(String fileName) {
        return fileName.endsWith(SUFFIX) && fileName.length() > SUFFIX.length();
    }
}
