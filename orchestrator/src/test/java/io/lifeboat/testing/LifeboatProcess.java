package io.lifeboat.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * lifeboat's command line in a JVM of its own, for what in-process runs cannot show: a process
 * without a controlling terminal ({@code setsid}), one on a real pseudo-terminal
 * ({@code script}), one running as another OS user ({@code runuser}).
 */
public final class LifeboatProcess {
    private LifeboatProcess() {
    }

    /** {@code java -cp <classpath> io.lifeboat.cli.Main args…}. */
    public static List<String> commandWithClasspath(String classpath, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "io.lifeboat.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** As {@link #commandWithClasspath(String, String...)} with this JVM's classpath. */
    public static List<String> command(String... args) {
        return commandWithClasspath(System.getProperty("java.class.path"), args);
    }

    /** A finished child: exit code and what it printed. */
    public record Run(int exitCode, String out, String err) {
        public String all() {
            return out + "\n" + err;
        }
    }

    /** Runs {@code command} with stdin closed, waiting at most 5 minutes. */
    public static Run run(List<String> command) {
        return run(command, Map.of());
    }

    /** {@link #run(List)} with {@code environment} added to this process's environment. */
    public static Run run(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(environment);
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread drain = drain(p.getErrorStream(), err);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            drain.join();
            return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Runs {@code command} (a shell command line) on a real pseudo-terminal made by util-linux
     * {@code script}, as in a person's shell, and types what {@code typist} answers: it is asked
     * with everything the terminal showed so far, and returns the keys to type once, or null
     * to wait for more. Returns the exit code and the whole terminal transcript as {@code out}.
     */
    public static Run onTerminal(String shellCommand, Function<String, String> typist) {
        try {
            Process p = new ProcessBuilder("script", "-q", "-e", "-c", shellCommand, "/dev/null").redirectErrorStream(true).start();
            StringBuffer screen = new StringBuffer();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                try (InputStream in = p.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException ignored) {
                    // the terminal closed
                }
            });
            reader.start();
            OutputStream keyboard = p.getOutputStream();
            boolean typed = false;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (p.isAlive() && System.nanoTime() < deadline) {
                if (!typed) {
                    String keys = typist.apply(screen.toString());
                    if (keys != null) {
                        keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
                        keyboard.flush();
                        typed = true;
                    }
                }
                p.waitFor(100, TimeUnit.MILLISECONDS);
            }
            if (p.isAlive()) {
                p.destroyForcibly();
                throw new AssertionError("timed out on the terminal; it showed:\n" + screen);
            }
            keyboard.close();
            reader.join(10_000);
            return new Run(p.exitValue(), screen.toString(), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code command} quoted for {@code sh -c}. */
    public static String shell(List<String> command) {
        return command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // the child ended
            }
        });
        t.start();
        return t;
    }
}
