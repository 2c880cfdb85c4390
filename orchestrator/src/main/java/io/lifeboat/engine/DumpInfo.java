package io.lifeboat.engine;

import io.lifeboat.drills.CanaryRow;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine knows about a finished dump, recorded in the manifest.
 *
 * @param serverVersion the source server's version string
 * @param format        dump format, e.g. {@code pg_dump-custom}; tells a restorer which tool to use
 * @param toolVersions  versions of the tools that produced it, e.g. {@code pg_dump -> 15.19}
 * @param rowCounts     rows per table ({@code schema.table}) that the dump holds: counted in the dump as it
 *                      streamed past, or in the very snapshot it was made of
 * @param canary        the canary row written just before the dump, when the source asks for one
 */
public record DumpInfo(String serverVersion, String format, Map<String, String> toolVersions,
                       Map<String, Long> rowCounts, Optional<CanaryRow> canary) {
    public DumpInfo {
        toolVersions = Map.copyOf(toolVersions);
        rowCounts = Map.copyOf(rowCounts);
    }
}
