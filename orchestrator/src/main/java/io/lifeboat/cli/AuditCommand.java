package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.audit.Auditor;
import io.lifeboat.audit.Finding;
import io.lifeboat.audit.TargetAudit;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.TargetConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat audit [TARGET...]}. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Probe each target with its writer and reader credentials and report what each can really do.",
                "The writer must be able to put and nothing else (no get, head, list, delete, retention change);",
                "the reader must be able to get and list and nothing else. Probes write small, clearly named objects",
                "under <prefix>/lifeboat-audit-probe/ that Object Lock may keep until the bucket's lifecycle expires them;",
                "no backup is ever touched. Each target's result is recorded in the catalog (lifeboat report shows it)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every credential can do what its role needs and nothing more (WARNs allowed)",
                "1:a FAIL: a credential can do more than its role allows, cannot do its job, or a target is inside the blast radius",
                "2:bad usage or invalid configuration"})
final class AuditCommand extends ConfiguredCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TARGET", arity = "0..*", description = "Targets to audit (default: all).")
    List<String> targetNames = new ArrayList<>();

    @Option(names = "--agent-profile", paramLabel = "PROFILE",
            description = "A profile of the application's or an AI agent's credentials (repeatable): it must reach nothing in the vault.")
    List<String> agentProfiles = new ArrayList<>();

    @Option(names = "--agent-credentials-file", paramLabel = "FILE",
            description = "The credentials file holding the --agent-profile profiles (default: ~/.aws/credentials).")
    Path agentCredentialsFile;

    @Option(names = "--min-retention-days", paramLabel = "DAYS", defaultValue = "30",
            description = "The bucket's default COMPLIANCE retention must be at least this many days (default: ${DEFAULT-VALUE}).")
    int minRetentionDays;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    /** What {@code serve} audits with on a target's {@code audit_schedule}: the defaults, no agent profiles. */
    static Auditor.Options scheduledOptions(LifeboatConfig config) {
        return new Auditor.Options(30, List.of(), config.encryption().identityFile());
    }

    AuditCommand(Application app) {
        super(app);
    }

    @Override
    public Integer call() {
        LifeboatConfig config = config();
        Map<String, TargetConfig> all = new TreeMap<>(config.targets());
        List<TargetConfig> chosen = new ArrayList<>();
        for (String name : targetNames.isEmpty() ? List.copyOf(all.keySet()) : targetNames) {
            TargetConfig t = all.get(name);
            if (t == null) {
                throw new LifeboatException(ExitCode.USAGE, "no target '" + name + "' under targets: (defined: " + all.keySet() + ")");
            }
            chosen.add(t);
        }
        if (minRetentionDays < 1) {
            throw new LifeboatException(ExitCode.USAGE, "--min-retention-days must be at least 1");
        }
        List<CredentialsConfig> agents = agentProfiles.stream()
                .map(p -> new CredentialsConfig(Optional.of(p), Optional.ofNullable(agentCredentialsFile))).toList();
        Auditor.Options options = new Auditor.Options(minRetentionDays, agents, config.encryption().identityFile());
        List<TargetAudit> audits = new ArrayList<>();
        for (TargetConfig t : chosen) {
            audits.add(app.jobs().audit(config, t, options, RunOrigin.CLI, w -> err().println("warning: " + w)));
        }
        boolean failed = audits.stream().anyMatch(TargetAudit::failed);
        if (format == OutputFormat.json) {
            out().println(Json.write(json(audits, failed)));
        } else {
            for (TargetAudit a : audits) {
                printText(a);
            }
            out().println("audit: " + (failed ? "FAIL" : "PASS"));
        }
        out().flush();
        return failed ? ExitCode.FAILED.code() : ExitCode.OK.code();
    }

    private void printText(TargetAudit a) {
        out().println("target " + a.target() + " (" + a.location() + "): " + (a.failed() ? "FAIL" : "PASS"));
        for (Finding f : a.findings()) {
            out().printf("  %-4s  %-6s  %-23s  %s%n", f.status(), f.credential(), f.check(), f.reason());
        }
        a.worst().forEach((credential, worst) -> out().println("  worst   " + credential + ": " + worst));
        for (String key : a.probeObjects()) {
            out().println("  probe   " + key + " (Object Lock may keep it; lifecycle expires it)");
        }
    }

    private static Map<String, Object> json(List<TargetAudit> audits, boolean failed) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", failed ? "FAIL" : "PASS");
        List<Map<String, Object>> targets = new ArrayList<>();
        for (TargetAudit a : audits) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("target", a.target());
            t.put("location", a.location());
            t.put("status", a.failed() ? "FAIL" : "PASS");
            List<Map<String, Object>> findings = new ArrayList<>();
            for (Finding f : a.findings()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("status", f.status().name());
                row.put("credential", f.credential());
                row.put("check", f.check());
                row.put("expected", f.expected());
                row.put("result", f.outcome() == null ? null : f.outcome().result().name());
                row.put("http_status", f.outcome() == null ? null : f.outcome().httpStatus());
                row.put("reason", f.reason());
                findings.add(row);
            }
            t.put("findings", findings);
            t.put("worst", a.worst());
            t.put("probe_objects", a.probeObjects());
            targets.add(t);
        }
        doc.put("targets", targets);
        return doc;
    }
}
