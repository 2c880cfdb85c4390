package io.lifeboat.drills.mariadb;

import io.lifeboat.drills.process.ProcessOutcome;
import io.lifeboat.drills.process.ToolProcess;
import io.lifeboat.drills.sandbox.ClientRun;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Restores a {@code mariadb-dump} script through two {@code mariadb} clients on the same database,
 * so that its data statements run on two server sessions at once: a restore through one client
 * keeps one core of the server busy, whatever the machine has.
 *
 * <h2>Same result as one client</h2>
 * {@link DumpSplitter} cuts the dump; the pieces go:
 * <ul>
 *   <li>the session header (character set, time zone, checks off, SQL mode) to both clients;</li>
 *   <li>each {@code INSERT} to whichever client has executed everything it was sent (both busy:
 *       wait for the first to be done), followed by a marker query
 *       ({@code SELECT 'lifeboat-sync-N';}) whose output line, read on the client's stdout by a
 *       thread of its own, says the client executed it;</li>
 *   <li>everything else (DDL, {@code ALTER TABLE … DISABLE/ENABLE KEYS}, trigger, routine and
 *       event bodies, views, the footer) to the first client only, in order, and only once the
 *       second has executed all it was sent (a barrier); likewise the second client gets its first
 *       INSERT after a block of such statements only once the first has executed that block (the
 *       {@code CREATE TABLE} before it).</li>
 * </ul>
 * So the only statements ever running at the same time are INSERTs of the same table (or of
 * consecutive tables' data, with nothing in between): rows of a dump never conflict, and with
 * {@code UNIQUE_CHECKS=0, FOREIGN_KEY_CHECKS=0} from the header their order does not matter.
 * {@code LOCK TABLES … WRITE} / {@code UNLOCK TABLES} are dropped: they only speed up a restore
 * into a fresh database nobody else uses, and they cannot be kept: a write lock is exclusive, so
 * sent to one session it would make the other's INSERTs wait for an {@code UNLOCK} that comes only
 * after them (a deadlock until the deadline), and sent to both, the second would wait for the first.
 *
 * <h2>Memory</h2>
 * No statement is held: the splitter hands bytes on as it reads them and a statement's client is
 * chosen at its first line, so an INSERT of any size streams through (an absurdly large one costs
 * only time, as through one client).
 *
 * <h2>Failure</h2>
 * Either client exiting before the end (an error stops it: {@code ERROR 1136 … at line 7}, the
 * line counted in that client's own input) fails the restore with that client's outcome; the
 * other is killed at once. A client that dies while awaited ends its stdout, which ends the wait:
 * no barrier waits for a dead client. The deadline kills both. A read failure of the dump kills
 * both before their input is closed (so neither takes a cut-off dump for a whole one), and is
 * reported as the dump's; after a client failed, the rest of the dump is still read, because the
 * stream verifies the backup at its end (as {@link io.lifeboat.drills.sandbox.StreamPump}).
 */
final class TwoClientRestore implements DumpSplitter.Route {

    static final String MARKER = "lifeboat-sync-";

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifeboat-restore-watchdog");
        t.setDaemon(true);
        return t;
    });

    /**
     * How a restore ended, and how many INSERT statements each client was given.
     */
    record Result(ClientRun.Finished finished, List<Long> insertsPerClient) {
    }

    private final Object lock = new Object();
    private final Session first;
    private final Session second;
    // guarded by lock
    private Session gone;
    private boolean closing;
    private boolean stopped;
    private boolean interrupted;
    // main thread only
    private boolean serialOnly;
    private Session current;
    private Session last;
    /** The first client was sent statements (DDL) that the second's next INSERT must wait for. */
    private boolean firstUnfenced;
    /** The second client was sent INSERTs that the next other statement must wait for. */
    private boolean secondUnfenced;
    /**
     * The table of the INSERT before. An INSERT into another table is that table's first, into an
     * empty table, and runs alone: MariaDB 10.11 loads an empty InnoDB table in bulk when unique
     * and foreign key checks are off, as the dump's header sets them, and takes the table's
     * exclusive lock for that; two sessions' first INSERTs into one empty table each held its
     * intention lock and waited for the other's ("ERROR 1213 … Deadlock found" from one client;
     * seen in TwoClientRestoreTest, SHOW ENGINE INNODB STATUS: both waiting for TABLE LOCK mode X).
     * Known by the table's name, not by other statements before it: a dump may have none
     * between two tables' data.
     */
    private String lastTable;
    /** The INSERT sent alone: the next waits until it has run. */
    private boolean soloPending;

    private TwoClientRestore(ToolProcess first, ToolProcess second) {
        this.first = new Session("1", first);
        this.second = new Session("2", second);
    }

    /**
     * Restores {@code dump} through {@code first} and {@code second} (two clients on the same
     * database, started with {@code --skip-column-names}, so a marker's output is its text alone);
     * closes both.
     *
     * @param grace how long to wait for the exits once both clients' output ended
     */
    static Result run(ToolProcess first, ToolProcess second, InputStream dump, Duration limit, Duration grace) {
        try (ToolProcess a = first; ToolProcess b = second) {
            TwoClientRestore r = new TwoClientRestore(a, b);
            return r.run(dump, limit, grace);
        }
    }

    private Result run(InputStream dump, Duration limit, Duration grace) {
        first.startReader();
        second.startReader();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            synchronized (lock) {
                stopped = true;
                lock.notifyAll();
            }
            first.process.kill();
            second.process.kill();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            IOException readFailure = null;
            try {
                DumpSplitter.split(dump, this);
            } catch (IOException e) {
                readFailure = e;
            }
            boolean closeInput;
            synchronized (lock) {
                closing = true;
                closeInput = readFailure == null && !stopped && !interrupted && gone == null;
            }
            if (closeInput) {
                first.close();
                second.close();
            } else {
                first.process.kill();
                second.process.kill();
            }
            awaitOutputEnds();
            ProcessOutcome a = first.process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            ProcessOutcome b = second.process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            boolean wasStopped;
            Session culprit;
            synchronized (lock) {
                wasStopped = stopped;
                culprit = gone;
            }
            // Stopped at the deadline, both were killed: neither's error is the reason, and a
            // note on line numbers would explain a line that was never reported.
            ProcessOutcome outcome = wasStopped ? (a.succeeded() ? b : a) : judge(a, b, culprit);
            return new Result(new ClientRun.Finished(outcome, wasStopped, readFailure),
                    List.of(first.inserts, second.inserts));
        } finally {
            watchdog.cancel(false);
        }
    }

    /**
     * The outcome to report: the client that ended first on its own (the other was killed because
     * of it), else any that failed, else the first's (success).
     */
    private ProcessOutcome judge(ProcessOutcome a, ProcessOutcome b, Session culprit) {
        if (culprit != null) {
            ProcessOutcome o = culprit == first ? a : b;
            if (o.succeeded()) {
                // it exited 0 before its input ended: cannot happen with the mariadb client, but must not pass
                return new ProcessOutcome(o.name(), 1, false, o.stderrTail()
                        + "\nclient " + culprit.label + " of 2 ended before the dump was sent whole");
            }
            return whichClient(o, culprit);
        }
        if (!a.succeeded()) {
            return whichClient(a, first);
        }
        return b.succeeded() ? b : whichClient(b, second);
    }

    /**
     * The client's error, saying which of the two it was: its "at line N" counts the lines that
     * client was sent (its share of the dump), not the dump's own lines.
     */
    private static ProcessOutcome whichClient(ProcessOutcome o, Session client) {
        return new ProcessOutcome(o.name(), o.exitCode(), o.timedOut(), o.stderrTail() + "\n(client " + client.label
                + " of 2 restoring the dump's data in parallel: a line number above counts that client's input, not the"
                + " dump's lines)");
    }

    private void awaitOutputEnds() {
        synchronized (lock) {
            while (!(first.eof && second.eof)) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    // stopping the drill: kill both and still wait for their ends (the kill makes them come)
                    interrupted = true;
                    first.process.kill();
                    second.process.kill();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- DumpSplitter.Route, called on the restoring thread ----

    @Override
    public void header(byte[] b, int off, int len) {
        first.write(b, off, len);
        second.write(b, off, len);
    }

    @Override
    public void other(byte[] b, int off, int len) {
        if (secondUnfenced) {
            secondUnfenced = false;
            await(second, second.sent);
        }
        firstUnfenced = true;
        first.write(b, off, len);
    }

    @Override
    public void insertBegin(String table) {
        boolean tablesFirst = !table.equals(lastTable);
        lastTable = table;
        if (soloPending) {
            soloPending = false;
            await(first, first.sent);   // everything first was sent, the lone INSERT last
            firstUnfenced = false;
        }
        if (tablesFirst && !serialOnly) {
            // on the first client, which was sent every other statement (the second is fenced from them)
            soloPending = true;
            current = failedNow() ? null : first;
            if (current != null) {
                last = current;
                current.inserts++;
            }
            return;
        }
        current = serialOnly ? first : idleClient();
        if (current == null) {
            return;
        }
        if (current == second) {
            if (firstUnfenced) {
                firstUnfenced = false;
                first.marker();
                await(first, first.sent);
            }
            secondUnfenced = true;
        }
        last = current;
        current.inserts++;
    }

    @Override
    public void insert(byte[] b, int off, int len) {
        if (current != null) {
            current.write(b, off, len);
        }
    }

    @Override
    public void insertEnd() {
        if (current != null) {
            current.marker();
            current = null;
        }
    }

    @Override
    public void serialOnly() {
        serialOnly = true;
    }

    @Override
    public boolean abandoned() {
        synchronized (lock) {
            return stopped || interrupted;
        }
    }

    /** A client that has executed everything it was sent (both: not the one used last); null when the restore failed. */
    private Session idleClient() {
        flushBoth();
        synchronized (lock) {
            while (!failed()) {
                boolean firstIdle = first.seen == first.sent;
                boolean secondIdle = second.seen == second.sent;
                if (firstIdle && secondIdle) {
                    return last == first ? second : first;
                }
                if (firstIdle || secondIdle) {
                    return firstIdle ? first : second;
                }
                waitOnLock();
            }
            return null;
        }
    }

    /** Waits until {@code s} has executed its marker {@code n}, or the restore failed. */
    private void await(Session s, long n) {
        flushBoth();
        synchronized (lock) {
            while (!failed() && s.seen < n) {
                waitOnLock();
            }
        }
    }

    private boolean failedNow() {
        synchronized (lock) {
            return failed();
        }
    }

    /** Holding {@link #lock}. */
    private boolean failed() {
        return gone != null || stopped || interrupted;
    }

    /** Holding {@link #lock}. */
    private void waitOnLock() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            interrupted = true;
            Thread.currentThread().interrupt();
            first.process.kill();
            second.process.kill();
        }
    }

    private void flushBoth() {
        first.flush();
        second.flush();
    }

    /** A client ended (output closed, or its input refused a write) before the restore was over: it failed. */
    private void ended(Session s) {
        Session other;
        synchronized (lock) {
            if (closing || gone != null) {
                lock.notifyAll();
                return;
            }
            gone = s;
            lock.notifyAll();
            other = s == first ? second : first;
        }
        other.process.kill();
    }

    /** One client: its input, and what its output said it executed. */
    private final class Session {
        final String label;
        final ToolProcess process;
        final OutputStream in;
        /** Markers written (restoring thread only). */
        long sent;
        /** The last marker it printed (guarded by lock). */
        long seen;
        /** Its output ended (guarded by lock). */
        boolean eof;
        long inserts;
        private boolean broken;

        Session(String label, ToolProcess process) {
            this.label = label;
            this.process = Objects.requireNonNull(process, "process");
            this.in = new BufferedOutputStream(process.stdin(), 64 * 1024);
        }

        void startReader() {
            Thread t = new Thread(this::readOutput, "lifeboat-restore-client-" + label);
            t.setDaemon(true);
            t.start();
        }

        private void readOutput() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.ISO_8859_1))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith(MARKER)) {
                        long n = Long.parseLong(line.substring(MARKER.length()).strip());
                        synchronized (lock) {
                            seen = n;
                            lock.notifyAll();
                        }
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // killed, or output that is not ours: the client's exit status says what happened
            } finally {
                synchronized (lock) {
                    eof = true;
                }
                ended(this);
            }
        }

        void write(byte[] b, int off, int len) {
            if (broken || isFailed()) {
                return;
            }
            try {
                in.write(b, off, len);
            } catch (IOException e) {
                broken = true;
                ended(this);
            }
        }

        /** Writes the next marker query and sends everything written so far. */
        void marker() {
            sent++;
            byte[] m = ("SELECT '" + MARKER + sent + "';\n").getBytes(StandardCharsets.US_ASCII);
            write(m, 0, m.length);
            flush();
        }

        void flush() {
            if (broken || isFailed()) {
                return;
            }
            try {
                in.flush();
            } catch (IOException e) {
                broken = true;
                ended(this);
            }
        }

        /** End of input: the client finishes what it was sent and exits. */
        void close() {
            try {
                in.close();
            } catch (IOException e) {
                // it is gone; its exit status says why
            }
        }

        private boolean isFailed() {
            synchronized (lock) {
                return failed();
            }
        }
    }
}
