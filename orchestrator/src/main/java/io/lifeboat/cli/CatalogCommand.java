package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.catalog.CatalogSync;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat catalog sync}. */
@Command(name = "catalog", description = "Maintain the catalog of backup and drill runs.", mixinStandardHelpOptions = true,
        subcommands = {CatalogCommand.Sync.class})
final class CatalogCommand {

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Rebuild the catalog's backup entries from the manifests in each source's target.",
                    "Uses the targets' read credentials; changes nothing in any bucket. Backups the catalog already has are kept as they are.",
                    "Run it on a new lifeboat host, or after losing the catalog: the bucket is the source of truth."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every source was synced",
                    "2:bad usage or invalid configuration",
                    "3:could not complete (a target or the catalog unreachable); the other sources were still synced"})
    static final class Sync extends ConfiguredCommand implements Callable<Integer> {
        @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "Sources to sync (default: all).")
        List<String> sourceNames = new ArrayList<>();

        @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        Sync(Application app) {
            super(app);
        }

        @Override
        public Integer call() {
            LifeboatConfig config = config();
            List<SourceConfig> sources = sourceNames.isEmpty() ? List.copyOf(config.sources().values())
                    : sourceNames.stream().map(config::source).toList();
            CatalogSync sync = new CatalogSync(app.catalog(config));
            List<Map<String, Object>> docs = new ArrayList<>();
            boolean incomplete = false;
            for (SourceConfig source : sources) {
                TargetConfig target = config.targetOf(source);
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("source", source.name());
                doc.put("target", target.url().toString());
                try (StorageTarget reader = app.openForReading(target)) {
                    CatalogSync.SourceSync r = sync.sync(source.name(), app.lister(reader));
                    doc.put("status", "synced");
                    doc.put("listed", r.listed());
                    doc.put("added", r.added());
                    doc.put("skipped", r.skipped());
                } catch (StorageException e) {
                    incomplete = true;
                    doc.put("status", "error");
                    doc.put("error", e.getMessage());
                }
                docs.add(doc);
            }
            if (format == OutputFormat.json) {
                out().println(Json.write(Map.of("sources", docs)));
            } else {
                for (Map<String, Object> d : docs) {
                    if ("synced".equals(d.get("status"))) {
                        out().printf(Locale.ROOT, "%s: %s backups in %s, %s added to the catalog%n", d.get("source"),
                                d.get("listed"), d.get("target"), d.get("added"));
                        for (Object skipped : (List<?>) d.get("skipped")) {
                            out().println("  not restorable, not added: " + skipped);
                        }
                    } else {
                        out().println(d.get("source") + ": ERROR " + d.get("error"));
                    }
                }
            }
            out().flush();
            return incomplete ? ExitCode.INCOMPLETE.code() : ExitCode.OK.code();
        }
    }
}
