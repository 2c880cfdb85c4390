package io.lifeboat.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A validated configuration. Instances only come out of {@link ConfigLoader}, which has already
 * checked every value and cross-reference (a source's target exists, recipients parse, paths are
 * absolute), so the code that uses it never re-validates. Files it names are not checked for
 * existence: one configuration serves the backup host and the drill host, and each side checks
 * the files it uses when it opens them.
 *
 * @param file        the file it was read from (named in every later error about it)
 * @param sources     databases to back up, by name (insertion order of the file)
 * @param targets     places backups are stored, by name
 * @param encryption  age recipients (and, on the drill side, the identity file)
 * @param compression zstd settings for the pipeline
 * @param stateDir    where lifeboat keeps local state (locks, results); never backups
 */
public record LifeboatConfig(
        Path file,
        Map<String, SourceConfig> sources,
        Map<String, TargetConfig> targets,
        EncryptionConfig encryption,
        CompressionConfig compression,
        Path stateDir) {

    public LifeboatConfig {
        // Not Map.copyOf: it forgets the file's order, and commands list sources in that order.
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }

    /** The source with this name, or a usage error that lists the configured names. */
    public SourceConfig source(String name) {
        SourceConfig s = sources.get(name);
        if (s == null) {
            throw ConfigException.single(file, 0, "sources." + name,
                    "no source named '" + name + "'",
                    sources.isEmpty() ? "the file declares no sources"
                            : "configured sources: " + String.join(", ", new java.util.TreeSet<>(sources.keySet())));
        }
        return s;
    }

    /** The target a source writes to; the loader guarantees it exists. */
    public TargetConfig targetOf(SourceConfig source) {
        return Optional.ofNullable(targets.get(source.target()))
                .orElseThrow(() -> new IllegalStateException("loader let through unknown target " + source.target()));
    }
}
