package io.lifeboat.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every command accepts, before or after the subcommand name
 * ({@code lifeboat --config f backup run x} and {@code lifeboat backup run x --config f}).
 */
public final class GlobalOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: $LIFEBOAT_CONFIG, else ./lifeboat.yaml).")
    Path config;

    /** Resolves the configuration file: the option, then {@code $LIFEBOAT_CONFIG}, then {@code ./lifeboat.yaml}. */
    static Path resolve(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get("LIFEBOAT_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return Path.of("lifeboat.yaml");
    }
}
