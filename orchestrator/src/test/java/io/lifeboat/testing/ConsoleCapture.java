package io.lifeboat.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What is written to {@code System.out} and {@code System.err} while a piece of code runs, which
 * is where slf4j-simple's log lines go (it looks {@code System.err} up at every line). The console
 * still gets everything.
 */
public final class ConsoleCapture {

    /** The code whose output is captured. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private ConsoleCapture() {
    }

    /** Runs {@code action}; returns what it wrote, and rethrows what it threw after restoring the console. */
    public static String during(Action action) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut, captured), true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Writes to the console and to the capture buffer. */
    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final ByteArrayOutputStream capture;

        Tee(OutputStream console, ByteArrayOutputStream capture) {
            this.console = console;
            this.capture = capture;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (capture) {
                capture.write(b, off, len);
            }
            try {
                console.write(b, off, len);
            } catch (IOException ignored) {
                // the console is a courtesy
            }
        }
    }
}
