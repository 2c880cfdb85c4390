package io.lifeboat.engine;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The engines this build knows, by configuration name. Wired explicitly by the application
 * (no classpath scanning), so what is supported is visible in one place.
 */
public final class Engines {
    private final Map<String, DatabaseEngine> byName = new LinkedHashMap<>();

    public Engines(DatabaseEngine... engines) {
        for (DatabaseEngine e : engines) {
            byName.put(e.name(), e);
        }
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    public DatabaseEngine forName(String name) {
        DatabaseEngine e = byName.get(name);
        if (e == null) {
            throw new LifeboatException(ExitCode.USAGE, "engine '" + name + "' is not supported; supported: " + String.join(", ", names()));
        }
        return e;
    }
}
