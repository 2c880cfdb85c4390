package io.lifeboat.cli;

import io.lifeboat.Application;
import picocli.CommandLine;

/** Entry point of the {@code lifeboat} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try (Application app = Application.standard()) {
            code = run(app, args);
        }
        System.exit(code);
    }

    /** Runs a command line and returns its exit code; tests call this in process. */
    public static int run(Application app, String... args) {
        return LifeboatCommand.commandLine(app, args).execute(args);
    }
}
