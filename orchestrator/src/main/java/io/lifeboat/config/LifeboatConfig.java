package io.lifeboat.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A validated configuration. Instances only come out of {@link ConfigLoader}, which has already
 * checked every value and cross-reference (a source's target exists, recipients parse, paths are
 * absolute, a drill's source and sandbox server exist), so the code that uses it never
 * re-validates. Files it names are not checked for existence: one configuration serves the backup
 * host and the drill host, and each side checks the files it uses when it opens them.
 *
 * @param file        the file it was read from (named in every later error about it)
 * @param sources     databases to back up, by name (insertion order of the file)
 * @param targets     places backups are stored, by name
 * @param encryption  age recipients (and, on the drill side, the identity file)
 * @param compression zstd settings for the pipeline
 * @param stateDir    where lifeboat keeps local state (locks, results); never backups
 * @param sandboxes   servers that {@code sandbox: server} drills restore into, by name; none of
 *                    them is the server of a source
 * @param drills      restore drills, by name (file order)
 * @param alerts      where drill outcomes are POSTed; empty when the file has no {@code alerts:}
 * @param catalog     the catalog and job store database (H2 in the state directory by default)
 * @param schedule    the scheduler's and the report's timing settings
 */
public record LifeboatConfig(
        Path file,
        Map<String, SourceConfig> sources,
        Map<String, TargetConfig> targets,
        EncryptionConfig encryption,
        CompressionConfig compression,
        Path stateDir,
        Map<String, SandboxServerConfig> sandboxes,
        Map<String, DrillConfig> drills,
        Optional<AlertsConfig> alerts,
        CatalogConfig catalog,
        ScheduleConfig schedule) {

    /** A configuration with the default catalog (H2 in the state directory) and schedule settings. */
    public LifeboatConfig(Path file, Map<String, SourceConfig> sources, Map<String, TargetConfig> targets,
                          EncryptionConfig encryption, CompressionConfig compression, Path stateDir,
                          Map<String, SandboxServerConfig> sandboxes, Map<String, DrillConfig> drills,
                          Optional<AlertsConfig> alerts) {
        this(file, sources, targets, encryption, compression, stateDir, sandboxes, drills, alerts,
                CatalogConfig.inStateDir(stateDir), ScheduleConfig.defaults());
    }

    public LifeboatConfig {
        // Not Map.copyOf: it forgets the file's order, and commands list sources in that order.
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        sandboxes = Collections.unmodifiableMap(new LinkedHashMap<>(sandboxes));
        drills = Collections.unmodifiableMap(new LinkedHashMap<>(drills));
    }

    /** The source with this name, or a usage error that lists the configured names. */
    public SourceConfig source(String name) {
        return lookup(sources, "sources", "source", name);
    }

    /** The drill with this name, or a usage error that suggests the closest and lists the configured names. */
    public DrillConfig drill(String name) {
        return lookup(drills, "drills", "drill", name);
    }

    /** The target a source writes to; the loader guarantees it exists. */
    public TargetConfig targetOf(SourceConfig source) {
        return Optional.ofNullable(targets.get(source.target()))
                .orElseThrow(() -> new IllegalStateException("loader let through unknown target " + source.target()));
    }

    /** The source a drill restores; the loader guarantees it exists. */
    public SourceConfig sourceOf(DrillConfig drill) {
        return Optional.ofNullable(sources.get(drill.source()))
                .orElseThrow(() -> new IllegalStateException("loader let through unknown source " + drill.source()));
    }

    /** The sandbox server of a {@code sandbox: server} drill; empty for the other kinds. */
    public Optional<SandboxServerConfig> sandboxServerOf(DrillConfig drill) {
        return drill.sandboxServer().map(name -> Optional.ofNullable(sandboxes.get(name))
                .orElseThrow(() -> new IllegalStateException("loader let through unknown sandbox server " + name)));
    }

    private <T> T lookup(Map<String, T> entries, String section, String kind, String name) {
        T found = entries.get(name);
        if (found != null) {
            return found;
        }
        List<String> names = List.copyOf(new TreeSet<>(entries.keySet()));
        String hint = names.isEmpty() ? "the file declares no " + section
                : DidYouMean.closest(name, names).map(s -> "did you mean '" + s + "'? ").orElse("")
                        + "configured " + section + ": " + String.join(", ", names);
        throw ConfigException.single(file, 0, section + "." + name, "no " + kind + " named " + ProblemList.quote(name), hint);
    }
}
