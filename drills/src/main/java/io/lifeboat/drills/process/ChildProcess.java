package io.lifeboat.drills.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A database tool run as a child process, the way lifeboat runs every one of them:
 * <ul>
 *   <li>the environment is built from an allow-list, never inherited whole, so cloud credentials
 *       ({@code AWS_*}) and anything else secret in lifeboat's own environment never reach it;</li>
 *   <li>stderr is drained on its own thread into a bounded tail (a child blocks when a pipe it
 *       writes fills up), and that tail goes into error messages;</li>
 *   <li>the exit status is read only after stdout was consumed, and a non-zero exit is a failure
 *       even when bytes were produced.</li>
 * </ul>
 * Secrets never go into {@code argv}: pass a path to a 0600 file instead.
 */
public final class ChildProcess implements ToolProcess {

    /** Variables a database tool may need; everything else is dropped. */
    private static final Set<String> INHERITED = Set.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TMPDIR");

    private final String name;
    private final Process process;
    private final StderrTail stderr;
    private final Thread stderrDrainer;

    private ChildProcess(String name, Process process, StderrTail stderr, Thread stderrDrainer) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stderrDrainer = stderrDrainer;
    }

    /**
     * Starts {@code command}. {@code extraEnv} is added to the allow-listed environment; it must
     * not hold secrets (pass paths to 0600 files instead).
     *
     * @param stdin where the child's stdin comes from: empty means the child reads from a pipe
     *              the caller writes through {@link #stdin()}; a path redirects from that file
     */
    public static ChildProcess start(List<String> command, Map<String, String> extraEnv, Optional<Path> workDir,
                                     Optional<Path> stdin) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> !INHERITED.contains(k));
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.putAll(extraEnv);
        workDir.ifPresent(d -> pb.directory(d.toFile()));
        stdin.ifPresent(p -> pb.redirectInput(p.toFile()));
        String name = Path.of(command.get(0)).getFileName().toString();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command.get(0) + ": " + e.getMessage(), e);
        }
        StderrTail tail = new StderrTail(16 * 1024);
        Thread drainer = new Thread(() -> tail.drain(p.getErrorStream()), name + "-stderr");
        drainer.setDaemon(true);
        drainer.start();
        return new ChildProcess(name, p, tail, drainer);
    }

    /** Starts {@code command} with no extra environment, in the current directory, stdin a pipe. */
    public static ChildProcess start(List<String> command) {
        return start(command, Map.of(), Optional.empty(), Optional.empty());
    }

    /** Runs a command to its end and returns its stdout, failing with its stderr on a non-zero exit. */
    public static String run(List<String> command, Map<String, String> extraEnv, long timeoutSeconds) {
        try (ChildProcess child = start(command, extraEnv, Optional.empty(), Optional.empty())) {
            child.stdin().close();
            byte[] out = child.stdout().readAllBytes();
            ProcessOutcome outcome = child.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!outcome.succeeded()) {
                throw new ChildProcessException(outcome.describe());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tool's name (first argument's file name), for messages. */
    public String name() {
        return name;
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the exit, then for the stderr drainer, so the returned tail is complete.
     * On timeout the process is killed and the outcome says so.
     */
    @Override
    public ProcessOutcome waitFor(long timeout, TimeUnit unit) {
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeout, unit)) {
                timedOut = true;
                process.destroyForcibly();
                process.waitFor();
            }
            stderrDrainer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new ProcessOutcome(name, -1, true, stderr.text());
        }
        return new ProcessOutcome(name, process.exitValue(), timedOut, stderr.text());
    }

    /** Kills the process (and does not wait). */
    @Override
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Kills the process if it is still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Keeps the last {@code limit} bytes of a stream, as text for error messages. Public for the
     * other {@link ToolProcess} kinds (a container's exec), which keep stderr the same way.
     */
    public static final class StderrTail {
        private final int limit;
        private final byte[] ring;
        private long written;

        public StderrTail(int limit) {
            this.limit = limit;
            this.ring = new byte[limit];
        }

        void drain(InputStream in) {
            byte[] buf = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    append(buf, n);
                }
            } catch (IOException ignored) {
                // the process went away; what was read so far is the tail
            }
        }

        private void append(byte[] buf, int n) {
            append(buf, 0, n);
        }

        public synchronized void append(byte[] buf, int off, int n) {
            for (int i = 0; i < n; i++) {
                ring[(int) (written++ % limit)] = buf[off + i];
            }
        }

        public synchronized String text() {
            int size = (int) Math.min(written, limit);
            byte[] out = new byte[size];
            long start = written - size;
            for (int i = 0; i < size; i++) {
                out[i] = ring[(int) ((start + i) % limit)];
            }
            String s = new String(out, StandardCharsets.UTF_8).strip();
            return written > limit ? "…" + s : s;
        }
    }
}
