package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.report.Health;
import io.lifeboat.report.ReportFormat;
import io.lifeboat.report.StatusReport;
import io.lifeboat.report.StatusReports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lifeboat report}. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Show, for every drill and source, the last outcome and when, the backup's age (RPO), the restore",
                "time (RTO) and the next scheduled run, from the catalog. A drill whose last passing run is older than its",
                "next scheduled run plus the grace period (schedule.grace, default 6h), or that never ran, is OVERDUE; so is",
                "a source whose newest backup is older than max_backup_age (or its schedule plus the grace period).",
                "Each target's newest audit is shown too: a FAIL is FAILED; with audit_schedule, a late audit is OVERDUE.",
                "Needs no storage credential: it reads the catalog only."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every drill, source and target's audit is OK",
                "1:something is FAILED, ERRORED or OVERDUE (the report is printed all the same)",
                "2:bad usage or invalid configuration",
                "3:could not complete (the catalog cannot be read)"})
final class ReportCommand extends ConfiguredCommand implements Callable<Integer> {

    @Option(names = "--format", defaultValue = "table",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). html is one self-contained page;"
                    + " prometheus is the node-exporter textfile format.")
    ReportFormat format;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the report to FILE (replaced atomically: a reader never sees half a page) instead of stdout.")
    Path output;

    ReportCommand(Application app) {
        super(app);
    }

    @Override
    public Integer call() {
        LifeboatConfig config = config();
        StatusReport report = new StatusReports(app.catalog(config)).build(config, app.clock().instant());
        if (output == null) {
            format.write(report, out(), Terminal.stdoutIsOne());
        } else {
            writeAtomically(output, format.render(report));
        }
        return report.overall() == Health.OK ? ExitCode.OK.code() : ExitCode.FAILED.code();
    }

    /** Also used by {@code serve} for its metrics file. */
    static void writeAtomically(Path file, String text) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
