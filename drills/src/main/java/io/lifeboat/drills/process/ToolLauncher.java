package io.lifeboat.drills.process;

import java.util.List;
import java.util.Map;

/**
 * Where a sandbox's client tools run: on this host with the installed binaries, or inside the
 * sandbox's container through the engine's exec API. Parsing and error handling of the tools'
 * output stay with the client ({@code PostgresClient}); only starting them differs.
 */
@FunctionalInterface
public interface ToolLauncher {

    /**
     * Starts {@code tool} (a name such as {@code psql}, resolved by the launcher) with
     * {@code args}. {@code env} is added to a minimal environment and must not hold secrets.
     */
    ToolProcess start(String tool, List<String> args, Map<String, String> env);
}
