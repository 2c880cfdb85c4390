package io.lifeboat.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Files lifeboat creates in the state directory belong to the state directory's owner.
 *
 * <p>Why: lifeboat normally runs as a service account that owns {@code state_dir}, and a person
 * also runs it by hand with sudo (a first backup, a drill on demand, an approval). Files root
 * created there (the H2 catalog, the job lock directory, drill results) were root's, mode 0600 or
 * 0700, and the service's next run could not open them: a scheduler whose every job fails to take
 * its lock, after one manual run. So when this process is root and the state directory belongs to
 * another user, what it creates there is handed to that user. Nothing changes for any other
 * process, and files whose owner is itself the evidence (restore approval requests) never call this.
 */
public final class StateFiles {

    private StateFiles() {
    }

    /**
     * Gives {@code created} (and every directory between it and {@code stateDir}) to the owner of
     * {@code stateDir} when this process is root and that owner is not. A no-op otherwise, or when
     * {@code created} is not under {@code stateDir}.
     *
     * @throws UncheckedIOException the owner could not be changed (the message names the file)
     */
    public static void adopt(Path stateDir, Path created) {
        Path dir = stateDir.toAbsolutePath().normalize();
        Path file = created.toAbsolutePath().normalize();
        if (!file.startsWith(dir) || file.equals(dir) || processUid() != 0 || !Files.isDirectory(dir)) {
            return;
        }
        int owner = uid(dir);
        if (owner == 0) {
            return;
        }
        int group = attribute(dir, "unix:gid");
        for (Path p = file; p != null && !p.equals(dir); p = p.getParent()) {
            try {
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && uid(p) != owner) {
                    Files.setAttribute(p, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", group, LinkOption.NOFOLLOW_LINKS);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot give " + p + " to the owner of the state directory " + dir
                        + " (uid " + owner + "): " + e.getMessage(), e);
            }
        }
    }

    /** The effective uid: the owner of /proc/self's target, which the kernel sets to it. */
    private static int processUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this process's uid from /proc/self: " + e.getMessage(), e);
        }
    }

    private static int uid(Path p) {
        return attribute(p, "unix:uid");
    }

    private static int attribute(Path p, String name) {
        try {
            return (Integer) Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the owner of " + p + ": " + e.getMessage(), e);
        }
    }
}
