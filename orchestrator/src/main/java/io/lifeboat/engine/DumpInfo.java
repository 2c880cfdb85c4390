package io.lifeboat.engine;

import java.util.Map;

/**
 * What the engine knows about a finished dump, recorded in the manifest.
 *
 * @param serverVersion the source server's version string
 * @param format        dump format, e.g. {@code pg_dump-custom}; tells a restorer which tool to use
 * @param toolVersions  versions of the tools that produced it, e.g. {@code pg_dump -> 15.19}
 * @param rowCounts     rows per table ({@code schema.table}) in the very snapshot the dump used
 */
public record DumpInfo(String serverVersion, String format, Map<String, String> toolVersions,
                       Map<String, Long> rowCounts) {
    public DumpInfo {
        toolVersions = Map.copyOf(toolVersions);
        rowCounts = Map.copyOf(rowCounts);
    }
}
