package io.lifeboat.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the loader reads from the running process to choose defaults (the state directory).
 * Passed in rather than read inside, so tests do not depend on who runs them.
 *
 * @param env      environment variables ({@code LIFEBOAT_STATE_DIR}, {@code XDG_STATE_HOME})
 * @param userName the user lifeboat runs as ({@code user.name})
 * @param userHome that user's home directory ({@code user.home})
 */
record HostEnvironment(Map<String, String> env, String userName, Path userHome) {
    HostEnvironment {
        env = Map.copyOf(env);
    }

    static HostEnvironment current() {
        return new HostEnvironment(System.getenv(), System.getProperty("user.name"),
                Path.of(System.getProperty("user.home")));
    }
}
