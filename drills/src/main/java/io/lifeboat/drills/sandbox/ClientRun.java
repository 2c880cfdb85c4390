package io.lifeboat.drills.sandbox;

import io.lifeboat.drills.Durations;
import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.process.ToolProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Running an engine's command-line client ({@code psql}, {@code mariadb}, {@code pg_restore}) to
 * its end or its deadline, the way every sandbox does: killed by a watchdog after the deadline
 * whatever the server does, stdout handed to a reader and then drained so the child never blocks
 * on a full pipe, the exit status read only afterwards.
 */
public final class ClientRun {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifeboat-client-watchdog");
        t.setDaemon(true);
        return t;
    });

    private ClientRun() {
    }

    /** Reads a client's stdout. */
    @FunctionalInterface
    public interface StdoutReader {
        void read(InputStream stdout) throws IOException;
    }

    /**
     * How a client run ended.
     *
     * @param outcome     exit status and stderr tail
     * @param stopped     the watchdog killed it at the deadline
     * @param readFailure what the stdout reader threw (query runs), or what reading the dump threw
     *                    (restores); null when nothing failed
     */
    public record Finished(ProcessOutcome outcome, boolean stopped, IOException readFailure) {

        /**
         * Judges a {@link #restore}: a read failure of the dump first (the backup's, and it takes
         * precedence over anything the stopped tool said), then the deadline, then the tool's
         * exit status.
         *
         * @throws DumpReadException      reading the dump failed
         * @throws RestoreFailedException the tool failed or ran past {@code limit}, with its stderr
         * @throws IllegalStateException  this thread was interrupted (the drill is being stopped;
         *                                that says nothing of the backup)
         */
        /**
         * Judges a {@link #query}: interrupted, stopped at the deadline, failed (as
         * {@code classify} reads the client's stderr), or output that could not be read.
         *
         * @throws QueryFailedException saying which
         */
        public void requireAnswered(Duration timeout, java.util.function.Function<ProcessOutcome, QueryFailedException> classify)
                throws QueryFailedException {
            if (Thread.currentThread().isInterrupted()) {
                throw new QueryFailedException("interrupted while " + outcome.name() + " was running",
                        QueryFailedException.Reason.UNAVAILABLE);
            }
            if (stopped) {
                throw new QueryFailedException("no answer within " + Durations.describe(timeout) + " (" + outcome.name()
                        + " was stopped)", QueryFailedException.Reason.TIMED_OUT);
            }
            if (!outcome.succeeded()) {
                throw classify.apply(outcome);
            }
            if (readFailure != null) {
                throw new QueryFailedException("could not read " + outcome.name() + "'s output: " + readFailure.getMessage(),
                        QueryFailedException.Reason.UNAVAILABLE);
            }
        }

        public void requireRestored(Duration limit) throws RestoreFailedException, DumpReadException {
            if (readFailure != null) {
                throw new DumpReadException(readFailure);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while " + outcome.name() + " was running");
            }
            if (stopped) {
                throw new RestoreStoppedException(outcome.name() + " did not finish within " + Durations.describe(limit)
                        + " and was stopped" + (outcome.stderrTail().isBlank() ? "" : ": " + outcome.describe()), limit);
            }
            if (!outcome.succeeded()) {
                throw new RestoreFailedException(outcome.describe());
            }
        }
    }

    /**
     * Runs {@code command} with {@code stdin} (a small script, which fits the pipe's buffer
     * whether or not the client reads it yet) and hands its stdout to {@code reader}.
     *
     * @param grace how long to wait for the exit once stdout has ended
     */
    public static Finished query(List<String> command, Map<String, String> env, Optional<byte[]> stdin, Duration limit,
                                 Duration grace, StdoutReader reader) {
        return query(ChildProcess.start(command, env, Optional.empty(), Optional.empty()), stdin, limit, grace, reader);
    }

    /** As {@link #query(List, Map, Optional, Duration, Duration, StdoutReader)}, for a tool already started (here or in a container); closes it. */
    public static Finished query(ToolProcess started, Optional<byte[]> stdin, Duration limit, Duration grace,
                                 StdoutReader reader) {
        try (ToolProcess child = started) {
            AtomicBoolean stopped = new AtomicBoolean();
            ScheduledFuture<?> watchdog = watch(child, stopped, limit);
            try {
                try (OutputStream in = child.stdin()) {
                    if (stdin.isPresent()) {
                        in.write(stdin.get());
                    }
                } catch (IOException ignored) {
                    // the client exited early; its status says why
                }
                IOException readFailure = null;
                try {
                    reader.read(child.stdout());
                } catch (IOException e) {
                    readFailure = e;
                }
                drain(child);
                ProcessOutcome outcome = child.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
                return new Finished(outcome, stopped.get(), readFailure);
            } finally {
                watchdog.cancel(false);
            }
        }
    }

    /**
     * Pipes {@code dump} into a restore tool's stdin with {@link StreamPump} semantics: a read
     * failure of {@code dump} kills the tool (it must not finish on a cut-off stream) and is
     * returned as {@link Finished#readFailure()}; a tool that stops reading early still has the
     * rest of the dump read, because the stream verifies the backup at its end.
     */
    public static Finished restore(List<String> command, Map<String, String> env, InputStream dump, Duration limit,
                                   Duration grace) {
        return restore(ChildProcess.start(command, env, Optional.empty(), Optional.empty()), dump, limit, grace);
    }

    /** As {@link #restore(List, Map, InputStream, Duration, Duration)}, for a tool already started (here or in a container); closes it. */
    public static Finished restore(ToolProcess started, InputStream dump, Duration limit, Duration grace) {
        try (ToolProcess child = started) {
            AtomicBoolean stopped = new AtomicBoolean();
            AtomicBoolean stopFeeding = new AtomicBoolean();
            ScheduledFuture<?> watchdog = watch(child, stopped, stopFeeding, limit);
            try {
                IOException readFailure = StreamPump.pump(dump, child.stdin(), stopFeeding::get);
                if (readFailure != null) {
                    child.kill();
                }
                drain(child);
                ProcessOutcome outcome = child.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
                return new Finished(outcome, stopped.get(), readFailure);
            } finally {
                watchdog.cancel(false);
            }
        }
    }

    private static ScheduledFuture<?> watch(ToolProcess child, AtomicBoolean stopped, Duration limit) {
        return watch(child, stopped, stopped, limit);
    }

    /**
     * At the deadline: {@code stopped} (how the run is judged), the kill, then {@code stopFeeding}
     * (which ends the feeding of the tool's input). In that order: a tool whose input ended
     * before the kill reached it exited on its own, complaining of a short input ("pg_restore:
     * error: could not read from input file: end of file"), and that complaint, which is not
     * why it stopped, went into the drill's reason (DrillRunnerTest, about one CI run in many).
     */
    private static ScheduledFuture<?> watch(ToolProcess child, AtomicBoolean stopped, AtomicBoolean stopFeeding,
                                            Duration limit) {
        return WATCHDOG.schedule(() -> {
            stopped.set(true);
            child.kill();
            stopFeeding.set(true);
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void drain(ToolProcess child) {
        try {
            child.stdout().transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // killed: nothing more to read
        }
    }
}
