package io.lifeboat.testing;

import io.lifeboat.Application;
import io.lifeboat.cli.LifeboatCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the real command line in process and captures exit code, stdout and stderr. */
public final class Cli {
    private Cli() {
    }

    public record Run(int exitCode, String out, String err) {
        /** Everything the command printed, for secret scans. */
        public String all() {
            return out + "\n" + err;
        }
    }

    /** Runs on a new production wiring, closed afterwards as {@code Main} closes it. */
    public static Run run(String... args) {
        try (Application app = Application.standard()) {
            return run(app, args);
        }
    }

    public static Run run(Application app, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = LifeboatCommand.commandLine(app, args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
