package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.drills.privateserver.PrivateDirectories;
import io.lifeboat.demo.Demo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Back up and drill a sample database on embedded defaults, no configuration needed.",
                "start a private PostgreSQL with a sample shop, back it up through the real pipeline into a",
                "temporary file:// repository, list it, and run a drill: restore it into an ephemeral sandbox and",
                "check it. Everything it started and wrote is removed afterwards unless --keep is given."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:backup and drill PASSED",
                "1:the drill FAILED",
                "2:bad usage",
                "3:could not complete (PostgreSQL binaries missing, server could not start)"})
final class DemoCommand implements Callable<Integer> {
    private final Application app;

    @Spec
    CommandSpec spec;

    @Option(names = "--keep", paramLabel = "DIR",
            description = "Keep the demo's files (configuration, key, repository) in DIR, which must not exist yet.")
    Path keep;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    DemoCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Path work = workDir();
        Demo.DemoResult result;
        try {
            // Progress goes to stderr so that --format json leaves stdout one JSON document.
            result = new Demo(app, spec.commandLine().getErr()).run(work);
        } finally {
            if (keep == null) {
                deleteTree(work); // the demo's own throwaway directory, never a real target
            }
        }
        DrillCommand.printSummary(spec.commandLine().getErr(), result.drill().result(), result.drill());
        if (format == OutputFormat.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("status", result.passed() ? "ok" : "failed");
            doc.put("backup_id", result.manifest().backupId());
            doc.put("raw_bytes", result.manifest().rawBytes());
            doc.put("stored_bytes", result.manifest().storedBytes());
            doc.put("sha256", result.manifest().sha256());
            doc.put("row_counts", result.manifest().rowCounts());
            doc.put("drill", io.lifeboat.drill.DrillResultJson.toJson(result.drill().result()));
            doc.put("seconds", result.seconds());
            keepDir().ifPresent(d -> doc.put("kept", d));
            spec.commandLine().getOut().println(Json.write(doc));
        } else {
            spec.commandLine().getOut().printf(Locale.ROOT, "demo %s in %.1f s%s%n", result.passed() ? "passed" : "FAILED",
                    result.seconds(), keepDir().map(d -> "; files kept in " + d + " (try: ./lifeboat --config " + d
                            + "/lifeboat.yaml backup list shop)").orElse("; everything it created was removed"));
        }
        spec.commandLine().getOut().flush();
        return DrillCommand.exitCode(result.drill().result().outcome());
    }

    private java.util.Optional<String> keepDir() {
        return java.util.Optional.ofNullable(keep).map(p -> p.toAbsolutePath().toString());
    }

    private Path workDir() {
        try {
            Path dir;
            if (keep != null) {
                if (Files.exists(keep)) {
                    throw new LifeboatException(ExitCode.USAGE, "--keep " + keep + ": already exists; name a new directory");
                }
                dir = Files.createDirectories(keep.toAbsolutePath());
            } else {
                dir = Files.createTempDirectory("lifeboat-demo-");
            }
            // 0711: when run as root, the private server runs as 'postgres' and must reach its directory.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            return dir;
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "demo: cannot create its directory: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        try {
            PrivateDirectories.deleteTree(root);
        } catch (IOException e) {
            throw new UncheckedIOException("demo: could not remove " + root + ": " + e.getMessage(), e);
        }
    }
}
