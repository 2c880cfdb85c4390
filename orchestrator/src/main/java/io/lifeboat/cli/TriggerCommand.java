package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.JobKind;
import io.lifeboat.catalog.NodeName;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.drills.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lifeboat trigger backup|drill NAME}: asks the running scheduler to run a job now.
 *
 * <p>The request is a row in the catalog that {@code serve} polls, rather than a Unix socket to
 * the serve process: the catalog is already where the scheduler's state is, a row works the same
 * for one node on H2 and for a cluster on PostgreSQL (any node may claim it, exactly one does),
 * the request survives a scheduler restart, and it leaves a record of who asked. The caller needs
 * the catalog only — no storage credential, no age identity — so it gains no way to read, restore
 * or delete a backup: the scheduler runs the configured job with its own credentials, and the
 * caller can only pick which configured job, not what it does.
 */
@Command(name = "trigger", mixinStandardHelpOptions = true,
        description = {"Ask the running scheduler (lifeboat serve) to run a configured job now.",
                "Needs no storage credential: the request goes into the catalog and the scheduler runs the job."},
        subcommands = {TriggerCommand.Backup.class, TriggerCommand.Drill.class})
final class TriggerCommand {

    abstract static class Request extends ConfiguredCommand implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The source (backup) or drill to run.")
        String name;

        @Option(names = "--wait", description = "Wait until a scheduler has picked the request up (exit 3 if none does"
                + " within three trigger polls, at least 30 s).")
        boolean waitForClaim;

        @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        Request(Application app) {
            super(app);
        }

        abstract JobKind kind();

        @Override
        public Integer call() throws InterruptedException {
            LifeboatConfig config = config();
            // An unknown name is a usage error here, not a request the scheduler would ignore.
            if (kind() == JobKind.BACKUP) {
                config.source(name);
            } else {
                config.drill(name);
            }
            Catalog catalog = app.catalog(config);
            String requestedBy = System.getProperty("user.name") + "@" + NodeName.current();
            long id = catalog.requestRun(kind(), name, app.clock().instant(), requestedBy);
            Optional<String> claimedBy = Optional.empty();
            if (waitForClaim) {
                Duration poll = config.schedule().triggerPoll();
                Duration limit = poll.multipliedBy(3).compareTo(Duration.ofSeconds(30)) > 0 ? poll.multipliedBy(3) : Duration.ofSeconds(30);
                Instant deadline = Instant.now().plus(limit);
                while (claimedBy.isEmpty() && Instant.now().isBefore(deadline)) {
                    Thread.sleep(200);
                    claimedBy = catalog.claimedBy(id);
                }
            }
            String job = kind().jobName(name);
            if (format == OutputFormat.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("request_id", id);
                doc.put("job", job);
                doc.put("requested_by", requestedBy);
                doc.put("status", claimedBy.isPresent() ? "claimed" : waitForClaim ? "unclaimed" : "requested");
                doc.put("claimed_by", claimedBy.orElse(null));
                out().println(Json.write(doc));
            } else if (claimedBy.isPresent()) {
                out().println("request #" + id + ": " + job + " is being run by the scheduler on " + claimedBy.get()
                        + "; lifeboat report shows its outcome when it ends");
            } else if (waitForClaim) {
                out().println("request #" + id + ": no scheduler picked up " + job + " in time: is lifeboat serve running"
                        + " with this catalog (" + catalog.database().describe() + ")? The request stays queued.");
            } else {
                out().println("request #" + id + ": " + job + " queued; the scheduler picks it up within "
                        + Durations.describe(config.schedule().triggerPoll()));
            }
            out().flush();
            return waitForClaim && claimedBy.isEmpty() ? ExitCode.INCOMPLETE.code() : ExitCode.OK.code();
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true, description = "Ask the scheduler to back up SOURCE now.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:requested (with --wait: a scheduler picked it up)", "2:bad usage, invalid configuration or unknown source",
                    "3:could not complete (catalog unreachable; with --wait: no scheduler picked it up)"})
    static final class Backup extends Request {
        Backup(Application app) {
            super(app);
        }

        @Override
        JobKind kind() {
            return JobKind.BACKUP;
        }
    }

    @Command(name = "drill", mixinStandardHelpOptions = true, description = "Ask the scheduler to run DRILL now.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:requested (with --wait: a scheduler picked it up)", "2:bad usage, invalid configuration or unknown drill",
                    "3:could not complete (catalog unreachable; with --wait: no scheduler picked it up)"})
    static final class Drill extends Request {
        Drill(Application app) {
            super(app);
        }

        @Override
        JobKind kind() {
            return JobKind.DRILL;
        }
    }
}
