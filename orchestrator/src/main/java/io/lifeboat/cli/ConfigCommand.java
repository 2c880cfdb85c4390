package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lifeboat config check}. */
@Command(name = "config", description = "Inspect the configuration.", mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate the configuration file without touching any database, bucket or file it names.",
                    "Reports every problem with file, line, key and a hint."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the configuration is valid", "2:the configuration is invalid (every problem is listed)"})
    static final class Check extends ConfiguredCommand implements Callable<Integer> {
        @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        Check(Application app) {
            super(app);
        }

        @Override
        public Integer call() {
            LifeboatConfig config = config();
            List<String> warnings = new ArrayList<>();
            for (TargetConfig t : new TreeMap<>(config.targets()).values()) {
                Warnings.blastRadius(t).ifPresent(warnings::add);
            }
            if (format == OutputFormat.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("status", "valid");
                doc.put("file", config.file().toString());
                doc.put("sources", new TreeMap<>(config.sources()).keySet());
                doc.put("targets", new TreeMap<>(config.targets()).keySet());
                doc.put("recipients", config.encryption().recipients().size());
                doc.put("warnings", warnings);
                out().println(Json.write(doc));
            } else {
                out().println(config.file() + ": valid");
                for (SourceConfig s : new TreeMap<>(config.sources()).values()) {
                    TargetConfig t = config.targetOf(s);
                    out().println("  source " + s.name() + " (" + s.engine() + " " + s.host() + ":" + s.port() + "/" + s.database()
                            + ") -> target " + t.name() + " (" + t.url() + ")");
                }
                out().println("  " + config.encryption().recipients().size() + " age recipient(s)");
                warnings.forEach(w -> err().println("warning: " + w));
            }
            out().flush();
            return ExitCode.OK.code();
        }
    }
}
