package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code lifeboat} command: global options, subcommands, exit-code handling. */
@Command(name = "lifeboat",
        mixinStandardHelpOptions = true,
        versionProvider = LifeboatCommand.VersionProvider.class,
        description = "Backups outside the blast radius, and the drills that prove they restore.",
        subcommands = {DemoCommand.class, BackupCommand.class, DrillCommand.class, RestoreCommand.class, CatalogCommand.class,
                ReportCommand.class, ServeCommand.class, TriggerCommand.class, AuditCommand.class, ConfigCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:the job ran and failed (backup failed, drill FAILED, report shows a FAILED/ERRORED/OVERDUE item)",
                "2:bad usage or invalid configuration",
                "3:could not complete (target or database unreachable, sandbox could not start)"},
        footer = {"", "Configuration: --config FILE, else $LIFEBOAT_CONFIG, else ./lifeboat.yaml."})
public final class LifeboatCommand {

    @CommandLine.Mixin
    GlobalOptions global = new GlobalOptions();

    public static CommandLine commandLine(Application app) {
        CommandLine cl = new CommandLine(new LifeboatCommand(), new Factory(app));
        cl.setExitCodeExceptionMapper(LifeboatCommand::exitCodeOf);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("lifeboat: " + messageOf(ex));
            err.flush();
            return exitCodeOf(ex);
        });
        // Usage errors exit 2 (picocli's default is 2 as well; stated so nobody changes it by accident).
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("lifeboat: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.USAGE.code();
        });
        return cl;
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof LifeboatException le) {
            return le.exitCode().code();
        }
        if (ex instanceof CommandLine.ParameterException) {
            return ExitCode.USAGE.code();
        }
        return ExitCode.INCOMPLETE.code();
    }

    static String messageOf(Throwable ex) {
        if (ex instanceof LifeboatException) {
            return ex.getMessage();
        }
        // Not one of ours: a bug or an environment problem. Say which, with the type, never silently.
        return "unexpected " + ex.getClass().getName() + ": " + ex.getMessage();
    }

    /** Lets subcommands receive the application through their constructor. */
    private record Factory(Application app) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Application.class).newInstance(app);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lifeboat " + Version.current()};
        }
    }
}
