package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.drills.check.CheckResult;
import io.lifeboat.drills.process.PrivateFiles;
import io.lifeboat.drills.restore.Ownership;
import io.lifeboat.restore.ApprovalRequests;
import io.lifeboat.restore.RestoreAsk;
import io.lifeboat.restore.RestorePlan;
import io.lifeboat.restore.RestorePlanText;
import io.lifeboat.restore.RestoreResult;
import io.lifeboat.restore.RestoreService;
import io.lifeboat.restore.TerminalGate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat restore SOURCE [...]} and {@code lifeboat restore approve REQUEST}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Disaster recovery: restore a backup of SOURCE onto its server.",
                "By default prints the PLAN and changes nothing: which backup (time, age, size, checksum, last drill),"
                        + " where (host, port, database), what exists there, the expected duration, the checks that run after.",
                "The default target is a NEW database <db>_restored_<UTC time> (_2, _3, ... when taken); an existing one is never"
                        + " written into.",
                "--replace restores into a new database, checks it, then swaps names: the old database is KEPT as"
                        + " <db>_replaced_<UTC time>, never dropped.",
                "--apply needs a person: gate 'tty' (default) asks for the database name and a one-time code on the"
                        + " controlling terminal; gate 'approval' (restore_gate in the source) creates a request whose code"
                        + " goes to the alert webhook, approved by another OS user with 'restore approve'.",
                "The backup is read with the target's read credentials and fully verified (SHA-256) before the server is"
                        + " touched; a failed restore or check drops the new database and leaves everything else as it was."},
        subcommands = {RestoreCommand.Approve.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:plan shown; restored and checked; or approval request created",
                "1:the restore ran and failed (backup damaged, restore tool failed, a check failed); nothing kept",
                "2:bad usage, invalid configuration, or refused (existing database without --replace, no terminal,"
                        + " wrong code, same user, expired or used request)",
                "3:could not complete (target, server or webhook unreachable)"})
final class RestoreCommand extends ConfiguredCommand implements Callable<Integer> {

    // optional for picocli, so that 'restore approve …' is not refused for lacking a SOURCE; call() requires it
    @Parameters(paramLabel = "SOURCE", arity = "0..1", description = "Name of a source under 'sources:'.")
    String sourceName;

    @Option(names = "--backup", paramLabel = "ID", description = "Restore this backup (default: the newest complete one).")
    String backupId;

    @Option(names = "--at", paramLabel = "TIME", description = "Restore the newest complete backup taken at or before TIME"
            + " (ISO-8601, e.g. 2026-11-24T03:00:00Z).")
    String at;

    @Option(names = "--into", paramLabel = "DATABASE", description = "Restore into this database (default: a new"
            + " <db>_restored_<UTC time>, numbered _2, _3, ... when taken; with --replace: the source's database).")
    String into;

    @Option(names = "--replace", description = "Swap the restored database in for the existing one, which is kept renamed.")
    boolean replace;

    @Option(names = "--no-owner", description = "Restore without the backup's owners and grants: every object belongs to"
            + " the source's user (for a server that lacks the backup's roles). By default they are restored as they were.")
    boolean noOwner;

    @Option(names = "--apply", description = "Carry out the plan, after the source's gate confirms a person wants it.")
    boolean apply;

    @Mixin
    FormatOption output = new FormatOption();

    RestoreCommand(Application app) {
        super(app);
    }

    @Override
    public Integer call() {
        if (sourceName == null) {
            throw new LifeboatException(ExitCode.USAGE, "lifeboat restore needs a SOURCE (or: lifeboat restore approve REQUEST)");
        }
        LifeboatConfig config = config();
        Warnings.blastRadius(config.targetOf(config.source(sourceName))).ifPresent(w -> err().println("warning: " + w));
        RestoreAsk ask = new RestoreAsk(sourceName, Optional.ofNullable(backupId), Optional.ofNullable(at).map(RestoreCommand::instant),
                Optional.ofNullable(into), replace, noOwner ? Ownership.RESTORING_USER : Ownership.AS_IN_BACKUP);
        RestoreService service = new RestoreService(app, w -> err().println("warning: " + w));
        RestorePlan plan = service.plan(config, ask);
        if (!apply) {
            if (output.format == OutputFormat.json) {
                out().println(Json.write(RestorePlanText.json(plan)));
            } else {
                out().print(RestorePlanText.text(plan));
                out().println("This was a plan. To carry it out, run the same command with --apply.");
            }
            out().flush();
            return ExitCode.OK.code();
        }
        if (RestoreService.atTerminal(plan)) {
            // the plan and the code go to the terminal only; stdout gets the outcome
            return report(service.applyAtTerminal(config, plan));
        }
        ApprovalRequests.Created created = service.request(config, plan, ask);
        if (output.format == OutputFormat.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("request", created.request().id());
            doc.put("expires_at", created.request().expiresAt().toString());
            doc.put("plan", RestorePlanText.json(plan));
            out().println(Json.write(doc));
        } else {
            out().print(RestorePlanText.text(plan));
            out().println("request " + created.request().id() + " is pending: its one-time code went to the alert webhook."
                    + " A different OS user approves it with: lifeboat restore approve " + created.request().id()
                    + " and types the code when asked (expires " + created.request().expiresAt() + ")");
        }
        out().flush();
        return ExitCode.OK.code();
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new LifeboatException(ExitCode.USAGE, "--at: '" + text + "' is not an ISO-8601 UTC time such as 2026-11-24T03:00:00Z");
        }
    }

    private int report(RestoreResult r) {
        printResult(err(), out(), output.format, r);
        return DrillCommand.exitCode(r.outcome());
    }

    static void printResult(java.io.PrintWriter err, java.io.PrintWriter out, OutputFormat format, RestoreResult r) {
        String bar = "=".repeat(8);
        err.println(bar + " lifeboat restore: " + r.outcome() + " " + bar);
        err.println("reason   " + r.reason());
        DrillCommand.printStepsAndChecks(err, r.steps(), r.checks());
        r.warnings().forEach(w -> err.println("warning  " + w));
        err.flush();
        if (format == OutputFormat.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("outcome", r.outcome().name());
            doc.put("reason", r.reason());
            doc.put("database", r.database().orElse(null));
            doc.put("kept_as", r.keptOldAs().orElse(null));
            List<Map<String, Object>> checks = new ArrayList<>();
            for (CheckResult c : r.checks()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("status", c.status().name());
                m.put("reason", c.reason());
                checks.add(m);
            }
            doc.put("checks", checks);
            doc.put("warnings", r.warnings());
            out.println(Json.write(doc));
        } else {
            out.println("restore " + r.outcome() + ": " + r.reason());
        }
        out.flush();
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approve a pending restore request (restore_gate: approval) and carry it out.",
                    "Must be run by a different OS user than the one who requested it; the CODE is the one the alert"
                            + " webhook received. A request expires (restore_request_expiry, default 30m) and its code works once:"
                            + " a wrong code ends the request."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:approved, restored and checked",
                    "1:approved, but the restore failed (nothing kept; the original untouched)",
                    "2:refused (unknown, expired or used request, same user, wrong code) or bad usage",
                    "3:could not complete (target or server unreachable)"})
    static final class Approve extends ConfiguredCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "REQUEST", description = "The request id 'restore --apply' printed.")
        String request;

        // A code given here would be in the process list (ps, /proc/PID/cmdline) for every local user to
        // read: only '-' (standard input) is accepted; anything else is refused with what to do instead.
        @Parameters(index = "1", arity = "0..1", paramLabel = "-", description = {"'-': read the code from standard"
                + " input (as --code-file -). The code itself is never accepted as an argument."})
        String codeInArguments;

        @Option(names = "--code-file", paramLabel = "FILE", description = {"Read the one-time code from the first line"
                + " of FILE ('-': standard input), e.g. piped from where the webhook delivered it.",
                "Without it the code is asked on the controlling terminal."})
        String codeFile;

        @Mixin
        FormatOption output = new FormatOption();

        Approve(Application app) {
            super(app);
        }

        @Override
        public Integer call() {
            LifeboatConfig config = config();
            String typed = code();
            RestoreResult r = new RestoreService(app, w -> err().println("warning: " + w)).approve(config, request, typed);
            printResult(err(), out(), output.format, r);
            return DrillCommand.exitCode(r.outcome());
        }

        private String code() {
            if ("-".equals(codeInArguments) && codeFile == null) {
                // 'restore approve REQUEST -': the CODE place of the usage, read from standard input
                return readCodeFile("-");
            }
            if (codeInArguments != null) {
                throw new LifeboatException(ExitCode.USAGE, "the one-time code must not be an argument: every user of this"
                        + " machine can read arguments in the process list. Nothing was changed and the request stays"
                        + " pending: run 'lifeboat restore approve " + request + "' and type the code when asked, or pass"
                        + " it with --code-file FILE (or --code-file - on standard input)");
            }
            if (codeFile != null) {
                return readCodeFile(codeFile);
            }
            try (TerminalGate tty = TerminalGate.open("lifeboat restore approve without --code-file",
                    ", or pass the code with --code-file FILE (or --code-file - on standard input)")) {
                return tty.ask("one-time code of restore request " + request + ": ").orElseThrow(() -> new LifeboatException(
                        ExitCode.USAGE, "no code was typed; nothing was changed"));
            }
        }

        /** The code from a 0600 file, as every secret file of lifeboat is read, or from standard input ({@code -}). */
        private static String readCodeFile(String file) {
            if (!file.equals("-")) {
                try {
                    return PrivateFiles.readFirstLine(Path.of(file), "--code-file").strip();
                } catch (PrivateFiles.UnsafeFileException e) {
                    throw new LifeboatException(ExitCode.USAGE, e.getMessage() + "; nothing was changed");
                }
            }
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isBlank()) {
                    throw new LifeboatException(ExitCode.USAGE, "standard input holds no code (its first line is empty);"
                            + " nothing was changed");
                }
                return line.strip();
            } catch (IOException e) {
                throw new LifeboatException(ExitCode.USAGE, "cannot read the code from standard input: " + e.getMessage()
                        + "; nothing was changed");
            }
        }
    }
}
