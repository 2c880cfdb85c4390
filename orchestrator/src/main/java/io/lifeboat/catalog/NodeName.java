package io.lifeboat.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who recorded a row: {@code host:pid}, so a cluster's catalog says which node ran what. */
public final class NodeName {
    private static final String CURRENT = host() + ":" + ProcessHandle.current().pid();

    private NodeName() {
    }

    public static String current() {
        return CURRENT;
    }

    /** Read from the kernel, not DNS: a resolver that hangs must not delay a backup. */
    private static String host() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: fall back to the environment
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "localhost" : env;
    }
}
