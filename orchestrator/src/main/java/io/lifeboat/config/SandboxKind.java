package io.lifeboat.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Where a drill restores: the {@code sandbox:} setting of a drill. */
public enum SandboxKind {
    /** A private PostgreSQL cluster in a temp dir, on a Unix socket only (the default). */
    EPHEMERAL,
    /** A throwaway database on a server declared under {@code sandboxes:}, dropped afterwards. */
    SERVER,
    /** A container with no network. */
    DOCKER;

    /** The word used in the configuration file: {@code ephemeral}, {@code server}, {@code docker}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a configuration word names, matched exactly (lowercase). */
    public static Optional<SandboxKind> fromConfigName(String word) {
        return Arrays.stream(values()).filter(k -> k.configName().equals(word)).findFirst();
    }

    static List<String> configNames() {
        return Arrays.stream(values()).map(SandboxKind::configName).toList();
    }
}
