package io.lifeboat.config;

import java.nio.file.Path;

/**
 * One thing wrong with a configuration file, pointing at where it is and how to fix it.
 *
 * @param file    the configuration file
 * @param line    1-based line, or 0 when the problem has no single place (a missing section)
 * @param key     dotted path of the key, e.g. {@code sources.shop.port}
 * @param message what is wrong, quoting the offending value unless it could be a secret
 * @param hint    how to fix it
 */
public record ConfigProblem(Path file, int line, String key, String message, String hint) {
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file.toString();
        return where + ": " + key + ": " + message + (hint == null || hint.isEmpty() ? "" : " (hint: " + hint + ")");
    }
}
