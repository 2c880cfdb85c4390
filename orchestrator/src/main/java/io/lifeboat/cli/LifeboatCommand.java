package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.backup.Version;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code lifeboat} command: global options, subcommands, exit-code handling. */
@Command(name = "lifeboat",
        mixinStandardHelpOptions = true,
        versionProvider = LifeboatCommand.VersionProvider.class,
        description = "Backups outside the blast radius, and the drills that prove they restore.",
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

    /**
     * The subcommands, in the order the usage lists them. Not in the {@code @Command} annotation:
     * picocli builds the model of every command it names, which was a tenth of a report's time.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands(DemoCommand.class, BackupCommand.class,
            DrillCommand.class, RestoreCommand.class, CatalogCommand.class, ReportCommand.class, ServeCommand.class,
            TriggerCommand.class, AuditCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class);

    /** The command line with every subcommand. */
    public static CommandLine commandLine(Application app) {
        return commandLine(app, SUBCOMMANDS.values());
    }

    /**
     * The command line for these arguments: with only the subcommand they name when they plainly
     * name one, else (no subcommand, a misspelt one, {@code help}, an {@code @file}) with every
     * subcommand, so that the usage lists them all and a mistake gets picocli's suggestions.
     */
    public static CommandLine commandLine(Application app, String... args) {
        Class<?> named = SUBCOMMANDS.get(subcommandName(args));
        return named == null || named == CommandLine.HelpCommand.class
                ? commandLine(app, SUBCOMMANDS.values())
                : commandLine(app, List.of(named));
    }

    /**
     * The first argument when only {@code --config} comes before it, or "": any other option
     * there ({@code lifeboat --help report}) is the top-level command's, whose usage lists every
     * subcommand.
     */
    static String subcommandName(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                i++;
            } else if (!args[i].startsWith("--config=")) {
                return args[i].startsWith("-") ? "" : args[i];
            }
        }
        return "";
    }

    private static CommandLine commandLine(Application app, Collection<Class<?>> subcommands) {
        Factory factory = new Factory(app);
        CommandLine cl = new CommandLine(new LifeboatCommand(), factory);
        // Added before the handlers below are set: setting one applies it to the subcommands there are.
        for (Class<?> subcommand : subcommands) {
            cl.addSubcommand(new CommandLine(subcommand, factory));
        }
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

    private static Map<String, Class<?>> subcommands(Class<?>... classes) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> c : classes) {
            byName.put(c.getAnnotation(Command.class).name(), c);
        }
        return Collections.unmodifiableMap(byName);
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
