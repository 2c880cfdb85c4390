package io.lifeboat.restore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The OS user this process runs as, by uid (names can be aliased; uids are what the kernel
 * checks). Read from {@code /proc/self}, which the kernel owns as the process's effective user.
 */
public record OsUser(int uid, String name) {

    public static OsUser current() {
        return new OsUser(ownerUid(Path.of("/proc/self")), System.getProperty("user.name", "?"));
    }

    /** The uid that owns {@code file}: only root can change it, so a user cannot forge it. */
    public static int ownerUid(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the owner of " + file + ": " + e.getMessage(), e);
        }
    }
}
