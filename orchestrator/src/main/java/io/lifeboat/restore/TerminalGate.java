package io.lifeboat.restore;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code tty} gate: the plan and a one-time code are written to the process's
 * <em>controlling terminal</em> ({@code /dev/tty}), and the answer is read from it. Never stdout
 * (a caller piping stdout would see the code), never stdin, arguments or environment (which any
 * program can fill). A process without a controlling terminal (cron, CI, an agent's subprocess
 * started with setsid) cannot open {@code /dev/tty} at all, so the gate refuses: a person must
 * run the command.
 */
public final class TerminalGate implements AutoCloseable {

    static final Path DEVICE = Path.of("/dev/tty");

    private final FileInputStream in;
    private final FileOutputStream outStream;
    private final BufferedReader reader;
    private final PrintWriter out;

    private TerminalGate(FileInputStream in, FileOutputStream outStream) {
        this.in = in;
        this.outStream = outStream;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = new PrintWriter(new OutputStreamWriter(outStream, StandardCharsets.UTF_8), true);
    }

    /**
     * Opens the controlling terminal.
     *
     * @param what      what needs a person ("lifeboat restore --apply")
     * @param otherwise what to do instead, for the message
     * @throws LifeboatException exit 2 when there is none: nothing may be done without a person
     */
    public static TerminalGate open(String what, String otherwise) {
        FileInputStream in = null;
        try {
            in = new FileInputStream(DEVICE.toFile());
            return new TerminalGate(in, new FileOutputStream(DEVICE.toFile()));
        } catch (IOException e) {
            closeQuietly(in);
            throw new LifeboatException(ExitCode.USAGE, "refused: " + what + " needs a person at a terminal (this process"
                    + " has no controlling terminal: " + e.getMessage() + "). A person must run it in their own shell"
                    + otherwise + ". Nothing was changed.");
        }
    }

    /**
     * Shows the plan and the code and asks for the database name and the code.
     *
     * @return empty when the person confirmed; otherwise why not
     */
    public java.util.Optional<String> confirm(String planText, String database, String code) {
        out.print(planText);
        out.println();
        out.println("To apply this plan, type the name of the database it restores into (" + database + ")");
        out.println("and this one-time code: " + code);
        String typedDatabase = ask("database: ").orElse(null);
        String typedCode = ask("code: ").orElse(null);
        if (typedDatabase == null || typedCode == null) {
            return java.util.Optional.of("the terminal closed before the confirmation was complete");
        }
        if (!typedDatabase.strip().equals(database)) {
            return java.util.Optional.of("the database name typed does not match " + database);
        }
        if (!OneTimeCode.same(typedCode, code)) {
            return java.util.Optional.of("the code typed is not the one shown");
        }
        return java.util.Optional.empty();
    }

    /** Asks one question on the terminal; the answer, or empty when the terminal closed. */
    public java.util.Optional<String> ask(String prompt) {
        out.print(prompt);
        out.flush();
        return java.util.Optional.ofNullable(readLine()).map(String::strip);
    }

    /** A line on the terminal (progress, the outcome). */
    public void say(String line) {
        out.println(line);
    }

    private String readLine() {
        try {
            return reader.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        out.flush();
        closeQuietly(in);
        closeQuietly(outStream);
    }

    /** Closes {@code c} (if any), ignoring a failure to: used wherever the outcome is decided already. */
    static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // the outcome is decided already
        }
    }
}
