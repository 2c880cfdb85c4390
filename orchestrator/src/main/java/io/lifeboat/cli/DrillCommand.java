package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.config.DrillConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.drill.DrillResultJson;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.drill.DrillService;
import io.lifeboat.drills.DrillProgress;
import io.lifeboat.drills.DrillResult;
import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import io.lifeboat.drills.StepResult;
import io.lifeboat.drills.check.CheckResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat drill run|list}. */
@Command(name = "drill", description = "Run and list restore drills.", mixinStandardHelpOptions = true,
        subcommands = {DrillCommand.Run.class, DrillCommand.ListDrills.class})
final class DrillCommand {

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Restore a backup of the drill's source into a throwaway sandbox and verify it.",
                    "Uses the target's read credentials and the age identity file; the newest complete backup unless --backup.",
                    "The result is recorded in the catalog and the state directory, and posted to the alert webhook on FAILED/ERRORED.",
                    "Two runs of one drill never overlap: a second one exits 3 while the first holds the drill's lock."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:PASSED: the backup restored and every check passed",
                    "1:FAILED: the backup or the data is bad (checksum, decryption, restore, a check, RPO, RTO, guard)",
                    "2:bad usage or invalid configuration",
                    "3:ERRORED: the drill could not run (bucket unreachable, sandbox could not start)"})
    static final class Run extends ConfiguredCommand implements Callable<Integer> {
        @Parameters(paramLabel = "DRILL", description = "Name of a drill under 'drills:'.")
        String drillName;

        @Option(names = "--backup", paramLabel = "ID", description = "Restore this backup instead of the newest complete one.")
        String backupId;

        @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        Run(Application app) {
            super(app);
        }

        @Override
        public Integer call() {
            LifeboatConfig config = config();
            DrillConfig drill = config.drill(drillName);
            Warnings.blastRadius(config.targetOf(config.sourceOf(drill))).ifPresent(w -> err().println("warning: " + w));
            // Progress goes to stderr (a terminal only), so that --format json leaves stdout one JSON document.
            DrillProgress progress = DrillProgressLine.forTerminal(err(), drillName);
            DrillService.DrillRun run;
            try {
                run = app.jobs().drill(config, drillName, Optional.ofNullable(backupId), RunOrigin.CLI,
                        w -> err().println("warning: " + w), progress);
            } finally {
                if (progress instanceof DrillProgressLine line) {
                    line.finish();
                }
            }
            DrillResult r = run.result();
            printSummary(err(), r, run);
            if (format == OutputFormat.json) {
                out().println(DrillResultJson.write(r));
            } else {
                out().println("drill " + r.drill() + " " + r.outcome() + ": " + r.reason());
            }
            out().flush();
            return exitCode(r.outcome());
        }
    }

    static int exitCode(Outcome outcome) {
        return switch (outcome) {
            case PASSED -> ExitCode.OK.code();
            case FAILED -> ExitCode.FAILED.code();
            case ERRORED -> ExitCode.INCOMPLETE.code();
        };
    }

    /** The block on stderr that a person (or cron's mail) reads first. */
    static void printSummary(PrintWriter err, DrillResult r, DrillService.DrillRun run) {
        String bar = "=".repeat(8);
        err.println(bar + " lifeboat drill " + r.drill() + ": " + r.outcome() + " " + bar);
        err.println("reason   " + r.reason());
        err.println("backup   " + r.backupId().orElse("(none)") + r.backupAge().map(a -> ", " + Durations.describe(a) + " old").orElse(""));
        err.println("sandbox  " + r.sandbox());
        r.restoreDuration().ifPresent(d -> err.println("restore  " + Durations.describe(d)));
        printStepsAndChecks(err, r.steps(), r.checks());
        r.warnings().forEach(w -> err.println("warning  " + w));
        if (java.nio.file.Files.exists(run.recordedAt())) {
            // (the demo's state directory is gone by the time it prints: no path to a deleted file)
            err.println("recorded " + run.recordedAt());
        }
        run.alertProblem().ifPresent(p -> err.println("ALERT    " + p));
        if (run.alerted()) {
            err.println("alerted  webhook");
        }
        err.flush();
    }

    /** The steps line and a line per check, as drill and restore summaries show them. */
    static void printStepsAndChecks(PrintWriter err, List<StepResult> stepResults, List<CheckResult> checks) {
        if (!stepResults.isEmpty()) {
            List<String> steps = new ArrayList<>();
            for (StepResult s : stepResults) {
                steps.add(s.name() + " " + Durations.describe(s.duration()) + (s.status() == Outcome.PASSED ? "" : " " + s.status()));
            }
            err.println("steps    " + String.join(" | ", steps));
        }
        for (CheckResult c : checks) {
            err.println("check    " + mark(c.status()) + " " + c.name() + ": " + c.reason());
        }
    }

    private static String mark(Outcome o) {
        return switch (o) {
            case PASSED -> "ok  ";
            case FAILED -> "FAIL";
            case ERRORED -> "ERR ";
        };
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the configured drills with their last run recorded in the catalog (by any node of a"
                    + " cluster, any origin: cron, scheduler, trigger, by hand).",
                    "For what is overdue or failing, and exit 1 when something is, use 'lifeboat report'."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "2:bad usage or invalid configuration", "3:the catalog could not be read"})
    static final class ListDrills extends ConfiguredCommand implements Callable<Integer> {
        @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        ListDrills(Application app) {
            super(app);
        }

        @Override
        public Integer call() {
            LifeboatConfig config = config();
            // The catalog, not the result files in this host's state directory: in a cluster the
            // last run may have been on another node.
            Map<String, List<DrillRecord>> latest = app.catalog(config).recentDrillRuns(config.drills().keySet(), 1);
            List<Map<String, Object>> docs = new ArrayList<>();
            for (DrillConfig d : config.drills().values()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("drill", d.name());
                doc.put("source", d.source());
                doc.put("sandbox", d.sandbox().configName());
                doc.put("schedule", d.schedule());
                doc.put("checks", d.checks().size());
                Optional<DrillRecord> last = latest.getOrDefault(d.name(), List.of()).stream().findFirst();
                doc.put("last_outcome", last.map(r -> r.outcome().name()).orElse("NEVER_RUN"));
                doc.put("last_run", last.map(r -> r.finishedAt().toString()).orElse(null));
                doc.put("last_reason", last.map(DrillRecord::reason).orElse(null));
                doc.put("last_run_id", last.map(DrillRecord::runId).orElse(null));
                doc.put("last_node", last.map(DrillRecord::node).orElse(null));
                docs.add(doc);
            }
            if (format == OutputFormat.json) {
                out().println(Json.write(Map.of("drills", docs)));
            } else if (docs.isEmpty()) {
                out().println("no drills configured in " + config.file());
            } else {
                out().printf(Locale.ROOT, "%-24s %-12s %-10s %-10s %s%n", "DRILL", "SOURCE", "SANDBOX", "LAST", "WHEN / REASON");
                for (Map<String, Object> d : docs) {
                    out().printf(Locale.ROOT, "%-24s %-12s %-10s %-10s %s%n", d.get("drill"), d.get("source"), d.get("sandbox"),
                            d.get("last_outcome"), d.get("last_run") == null ? "-" : d.get("last_run") + "  " + d.get("last_reason"));
                }
            }
            out().flush();
            return ExitCode.OK.code();
        }
    }
}
