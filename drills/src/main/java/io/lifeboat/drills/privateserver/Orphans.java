package io.lifeboat.drills.privateserver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The life cycle every private server directory shares, whatever the engine: claiming a fresh
 * name with a crash marker before the directory exists, removing directory then marker, and
 * reaping what processes that died with servers open left behind.
 *
 * <pre>
 * parentDir/                          0711 (0700 when not root), owned by this user
 *   &lt;prefix&gt;3f2a9b1c0d4e.lifeboat-cluster.json   crash marker: owner pid and start time
 *   &lt;prefix&gt;3f2a9b1c0d4e/            0700, owned by the server's account
 *     data/                           the data directory
 * </pre>
 */
public final class Orphans {

    /** The data directory inside every server directory. */
    public static final String DATA_DIR = "data";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Orphans() {
    }

    /** How a server was stopped, as far as its directory's fate is concerned. */
    public enum Stop {
        /** No server process was running. */
        NOT_RUNNING,
        /** It shut down when asked. */
        STOPPED,
        /** It had to be killed. */
        KILLED,
        /** Processes are still there after SIGKILL (e.g. stuck in uninterruptible I/O). */
        STILL_RUNNING
    }

    /** Stops whatever server still runs in an orphaned directory; engine-specific. */
    @FunctionalInterface
    public interface Stopper {
        /**
         * @param serverDir the orphan's directory (its data directory is {@link #DATA_DIR} inside)
         * @param marker    what the dead owner recorded (e.g. its binaries)
         * @param notes     what went wrong on the way, for the caller's message
         */
        Stop stop(Path serverDir, ServerMarker marker, List<String> notes);
    }

    /** A claimed, not yet created server directory and its marker. */
    public record Claim(Path dir, Path marker) {
    }

    /**
     * Claims a fresh {@code <namePrefix><12 hex>} directory name in {@code parent} by writing its
     * crash marker (which fails if the name is taken): from here on a crash leaves something
     * {@link #reap} can find. The directory itself is not created.
     */
    public static Claim claim(Path parent, String namePrefix, Path binDir) {
        for (int attempt = 0; ; attempt++) {
            byte[] b = new byte[6];
            RANDOM.nextBytes(b);
            String name = namePrefix + HexFormat.of().formatHex(b);
            Path dir = parent.resolve(name);
            Path marker = parent.resolve(name + ServerMarker.SUFFIX);
            try {
                ServerMarker.forThisProcess(dir, binDir).createAt(marker);
                return new Claim(dir, marker);
            } catch (FileAlreadyExistsException taken) {
                if (attempt > 10) {
                    throw new PrivateServerException("could not claim a server name in " + parent);
                }
            } catch (IOException e) {
                throw new PrivateServerException("could not write a crash marker in " + parent + ": " + e, e);
            }
        }
    }

    /** The pattern of names {@link #claim} makes with {@code namePrefix}. */
    public static Pattern names(String namePrefix) {
        return Pattern.compile(Pattern.quote(namePrefix) + "[0-9a-f]{12}");
    }

    /** Stops a server whose data directory is known; engine-specific. */
    @FunctionalInterface
    public interface DirectoryStopper {
        /** @param notes what went wrong on the way, for the caller's message */
        Stop stop(List<String> notes);
    }

    /**
     * Stops the server (when its directory was created) with {@code stopper}, then
     * {@link #remove}s directory and marker: what a private server's close and the reaper both do.
     *
     * @return what could not be done; empty when nothing of the server is left
     */
    public static List<String> stopAndRemove(Path dir, Path marker, boolean dirCreated, DirectoryStopper stopper) {
        return stopAndRemoveReporting(dir, marker, dirCreated, stopper).problems();
    }

    private record Removal(Stop stop, List<String> problems) {
    }

    private static Removal stopAndRemoveReporting(Path dir, Path marker, boolean dirCreated, DirectoryStopper stopper) {
        List<String> problems = new ArrayList<>();
        Stop stop = Stop.NOT_RUNNING;
        if (dirCreated) {
            List<String> notes = new ArrayList<>();
            try {
                stop = stopper.stop(notes);
                if (stop == Stop.STILL_RUNNING) {
                    // what the polite attempts said matters only when even SIGKILL did not help
                    problems.add("the server in " + dir + " is still running (" + String.join("; ", notes) + ")");
                }
            } catch (RuntimeException e) {
                problems.add("stopping the server failed: " + e.getMessage());
                stop = Stop.STILL_RUNNING;
            }
        }
        remove(dir, marker, dirCreated, stop, problems);
        return new Removal(stop, List.copyOf(problems));
    }

    /** Removes the JVM shutdown hook of a server being closed; quiet when the hook itself is closing it. */
    public static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNeverAdded) {
            // the hook is what is calling us, or start failed before adding it
        }
    }

    /**
     * Deletes the directory (unless a server may still use it), then the marker (unless the
     * directory is still there), adding to {@code problems} what could not be removed.
     */
    public static void remove(Path dir, Path marker, boolean deleteDir, Stop stop, List<String> problems) {
        if (stop == Stop.STILL_RUNNING) {
            problems.add("kept " + dir + " and its marker because a server may still use it");
            return;
        }
        if (deleteDir) {
            try {
                PrivateDirectories.deleteTree(dir);
            } catch (IOException e) {
                problems.add("could not delete " + dir + " (its marker stays for the next reaping): " + e);
                return;
            }
        }
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            problems.add("could not delete the marker " + marker + ": " + e);
        }
    }

    /**
     * Cleans up after processes that died with private servers open (killed, crashed, power
     * loss): for each marker in {@code parentDir} named like {@code names} whose owner is gone
     * (no such process, or the pid now belongs to a process that started at another time) it
     * stops any server still running there with {@code stopper}, deletes the directory, then
     * the marker. Servers of live processes, this one included, are not touched.
     *
     * <p>Only the directory named like the marker (its sibling) is ever deleted, whatever the
     * marker says; unreadable markers are left alone.
     *
     * @return one entry per orphan found, with {@link ReapedCluster#problem()} set where
     *         something could not be removed (its marker then stays for the next call)
     * @throws PrivateServerException when {@code parentDir} exists but is not private to this user
     */
    public static List<ReapedCluster> reap(Path parentDir, Pattern names, Stopper stopper) {
        Path parent = parentDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            PrivateDirectories.checkPrivate(parent);
        } catch (IOException e) {
            throw new PrivateServerException("will not reap private servers in " + parent + ": " + e.getMessage(), e);
        }
        List<Path> markers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, "*" + ServerMarker.SUFFIX)) {
            entries.forEach(markers::add);
        } catch (IOException e) {
            throw new PrivateServerException("could not list " + parent + ": " + e, e);
        }
        List<ReapedCluster> reaped = new ArrayList<>();
        for (Path markerFile : markers) {
            String fileName = markerFile.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - ServerMarker.SUFFIX.length());
            if (!names.matcher(name).matches() || !Files.isRegularFile(markerFile, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            ServerMarker marker;
            try {
                marker = ServerMarker.read(markerFile);
            } catch (IOException e) {
                continue;
            }
            if (marker.ownerAlive()) {
                continue;
            }
            reaped.add(reapOne(parent.resolve(name), markerFile, marker, stopper));
        }
        return List.copyOf(reaped);
    }

    private static ReapedCluster reapOne(Path dir, Path markerFile, ServerMarker marker, Stopper stopper) {
        Removal r = stopAndRemoveReporting(dir, markerFile, Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS),
                notes -> stopper.stop(dir, marker, notes));
        return new ReapedCluster(dir, marker.ownerPid(), marker.createdAt(), r.stop() != Stop.NOT_RUNNING,
                r.problems().isEmpty() ? Optional.empty() : Optional.of(String.join("; ", r.problems())));
    }

    /** Warnings for a drill's report, one per orphan reaped. */
    public static List<String> describe(List<ReapedCluster> reaped) {
        return reaped.stream().map(r -> r.cleaned()
                ? "removed the sandbox " + r.clusterDir() + " that process " + r.ownerPid() + " left behind when it died"
                  + " (started " + r.createdAt() + (r.serverWasRunning() ? "; its server was still running" : "") + ")"
                : "could not fully remove the sandbox " + r.clusterDir() + " that process " + r.ownerPid()
                  + " left behind: " + r.problem().orElse("") + " (the next drill tries again)").toList();
    }
}
