package io.lifeboat.drills;

import io.lifeboat.drills.check.CanaryCheck;
import io.lifeboat.drills.check.Check;
import io.lifeboat.drills.check.CheckContext;
import io.lifeboat.drills.check.CheckResult;
import io.lifeboat.drills.check.RowCountCheck;
import io.lifeboat.drills.check.RpoCheck;
import io.lifeboat.drills.check.RtoCheck;
import io.lifeboat.drills.sandbox.DumpReadException;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.drills.sandbox.RestoreStoppedException;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRefusedException;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one drill: restores a backup into a throwaway sandbox, checks it, tears everything down,
 * and returns a {@link DrillResult}. It never throws and never leaves anything behind on
 * purpose: every path, including unexpected exceptions, ends in a result with a reason and the
 * sandbox closed.
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li>{@link SandboxProvider#create} (step {@code sandbox}).</li>
 *   <li>{@link Sandbox#restore} from {@link DrillBackup#open}: the backup is fetched, verified,
 *       decrypted and restored in one streaming pass, with no plaintext copy on disk (step
 *       {@code restore}; its duration, from the first byte fetched to the restore tool's exit, is
 *       the RTO; the backup records its own {@code fetch}, {@code verify} and {@code decrypt}
 *       steps, which overlap it). Whatever the sandbox left unread of the stream is read
 *       afterwards, so the checksum is always verified to the last byte.</li>
 *   <li>Checks, each timed (step {@code checks} sums them up): built-in ones first — backup age
 *       (RPO) when {@code max_backup_age} is set, restore time (RTO) when
 *       {@code max_restore_time} is set, row counts against the manifest, the canary row when the
 *       backup has one — then the drill's own checks in order. RPO looks only at the manifest, so
 *       it is evaluated even when nothing could be restored.</li>
 *   <li>{@link Sandbox#close()} (step {@code teardown}), on every path.</li>
 * </ol>
 *
 * <h2>Outcome</h2>
 * FAILED when the backup or its data is bad: {@link DrillBackup.BackupDefectException} (a
 * checksum mismatch fails the drill even when the restore itself succeeded),
 * {@link RestoreFailedException}, {@link SandboxRefusedException} (a drill pointed at production
 * is a defect of the configuration to report loudly), or any FAILED check. Otherwise ERRORED when
 * lifeboat could not do its part: {@link DrillBackup.BackupUnavailableException},
 * {@link SandboxUnavailableException}, an ERRORED check, any unexpected exception. Otherwise
 * PASSED. The reason is one line naming the first problem of the deciding kind (steps before
 * checks), or for PASSED a summary. A sandbox that could not be torn down completely is a
 * warning (and an ERRORED {@code teardown} step), not a change of outcome: the drill itself ran.
 *
 * <p>Thread safety: one runner may run several drills at once; each run has its own state.
 */
public final class DrillRunner {

    /** Names of the steps the runner records itself. */
    public static final String STEP_SANDBOX = "sandbox";
    public static final String STEP_RESTORE = "restore";
    public static final String STEP_CHECKS = "checks";
    public static final String STEP_TEARDOWN = "teardown";

    /** Reasons longer than this are cut: they are one line in a report and a chat message. */
    private static final int MAX_REASON = 600;
    /**
     * How much longer than the restore's limit a read may wait for the storage: a restore that
     * ends just inside its limit still gets the stream's last bytes, which the backup's checksum
     * needs; a storage that went silent fails the drill soon after the restore's limit.
     */
    static final Duration STORAGE_GRACE = Duration.ofSeconds(5);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SandboxProvider provider;
    private final Clock clock;

    /**
     * @param provider makes the sandbox each drill restores into
     * @param clock    for the run's start and end and for the backup's age (RPO); step
     *                 durations are measured with the monotonic clock
     */
    public DrillRunner(SandboxProvider provider, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs {@code spec} on {@code backup} with a new run id ({@code 20250101T030000-3f2a9b}: sortable, unique). */
    public DrillResult run(DrillSpec spec, DrillBackup backup) {
        return run(spec, backup, newRunId());
    }

    /**
     * Runs {@code spec} on {@code backup} as run {@code runId} (for callers that number runs
     * themselves, e.g. a catalog). The id becomes part of throwaway database names.
     */
    public DrillResult run(DrillSpec spec, DrillBackup backup, String runId) {
        return run(spec, backup, runId, DrillProgress.NONE);
    }

    /** As {@link #run(DrillSpec, DrillBackup, String)}, telling {@code progress} what it is doing. */
    public DrillResult run(DrillSpec spec, DrillBackup backup, String runId, DrillProgress progress) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(progress, "progress");
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("a run id must not be blank");
        }
        return new Run(spec, backup, runId, new QuietProgress(progress)).execute();
    }

    /** A new run id, for callers that pass a progress listener. */
    public String newRunId() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return RUN_ID_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(b);
    }


    /** A problem that decides the outcome and may become the reason. */
    private record Problem(Outcome status, String reason) {
    }

    /** The state of one run. */
    private final class Run {
        private final DrillSpec spec;
        private final DrillBackup backup;
        private final String runId;
        private final DrillProgress progress;
        private final List<StepResult> steps = Collections.synchronizedList(new ArrayList<>());
        private final List<CheckResult> checks = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final List<Problem> stepProblems = new ArrayList<>();
        private final List<Problem> checkProblems = new ArrayList<>();
        private Instant startedAt;
        private String sandboxDescription;
        private Duration restoreDuration;
        private RowCountMemo restored;

        Run(DrillSpec spec, DrillBackup backup, String runId, DrillProgress progress) {
            this.spec = spec;
            this.backup = backup;
            this.runId = runId;
            this.progress = progress;
            this.sandboxDescription = provider.kind() + " sandbox (not created)";
        }

        DrillResult execute() {
            startedAt = clock.instant();
            Sandbox sandbox = null;
            try {
                sandbox = createSandbox();
                if (sandbox != null) {
                    restore(sandbox);
                }
                runChecks(sandbox);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw e; // out of memory or stack: no result can be trusted; the finally still tears down
                }
                // a bug or a broken environment; the drill still ends with a result and a teardown
                stepProblems.add(new Problem(Outcome.ERRORED, "the drill stopped unexpectedly: " + message(e)));
            } finally {
                teardown(sandbox);
            }
            return result();
        }

        private Sandbox createSandbox() {
            progress.step(STEP_SANDBOX);
            long t0 = System.nanoTime();
            try {
                Sandbox sandbox = provider.create(new SandboxRequest(spec.name(), runId, backup.engine(), backup.serverVersion()));
                if (sandbox == null) {
                    throw new IllegalStateException("sandbox provider " + provider.kind() + " returned no sandbox");
                }
                sandboxDescription = sandbox.describe();
                steps.add(new StepResult(STEP_SANDBOX, Outcome.PASSED, since(t0), sandboxDescription));
                return sandbox;
            } catch (SandboxRefusedException e) {
                fail(STEP_SANDBOX, Outcome.FAILED, t0, message(e), message(e));
            } catch (SandboxUnavailableException e) {
                fail(STEP_SANDBOX, Outcome.ERRORED, t0, message(e), "could not create the " + provider.kind()
                        + " sandbox: " + message(e));
            } catch (RuntimeException e) {
                fail(STEP_SANDBOX, Outcome.ERRORED, t0, message(e), "could not create the " + provider.kind()
                        + " sandbox: " + message(e));
            }
            return null;
        }

        private void restore(Sandbox sandbox) {
            progress.step(STEP_RESTORE);
            long t0 = System.nanoTime();
            StepRecorder recorder = (name, status, duration, detail) -> steps.add(new StepResult(name, status, duration, detail));
            long total = backup.plaintextBytes();
            InputStream opened = backup.open(recorder, restoreLimit().plus(STORAGE_GRACE));
            try (CountingInputStream dump = new CountingInputStream(opened, n -> progress.restored(n, total))) {
                RestoreFailedException restoreFailure = null;
                try {
                    sandbox.restore(dump, backup.dumpFormat(), restoreLimit());
                } catch (RestoreFailedException e) {
                    restoreFailure = e;
                }
                // The stream verifies the backup at its end: read what the sandbox left (normally
                // nothing), so a damaged backup is reported as such, before what the restore tool said.
                // Not after a restore stopped at its limit: the rest may be most of a large dump,
                // or a stream that hangs, and the drill has failed already.
                if (!(restoreFailure instanceof RestoreStoppedException)) {
                    dump.transferTo(OutputStream.nullOutputStream());
                }
                if (restoreFailure != null) {
                    throw restoreFailure;
                }
                restoreDuration = since(t0);
                steps.add(new StepResult(STEP_RESTORE, Outcome.PASSED, restoreDuration, "restored " + backup.dumpFormat()
                        + " dump of " + size(dump.count()) + " in " + Durations.describe(restoreDuration)));
            } catch (DumpReadException e) {
                backupReadFailed(e.getCause(), t0);
            } catch (DrillBackup.BackupReadException e) {
                backupReadFailed(e, t0);
            } catch (RestoreStoppedException e) {
                String why = spec.maxRestoreTime().isPresent()
                        ? "restore stopped after " + Durations.describe(e.limit()) + ", twice max_restore_time ("
                                + Durations.describe(spec.maxRestoreTime().get()) + "): " + message(e)
                        : "restore stopped: " + message(e) + " (set max_restore_time on the drill to stop a hung restore sooner)";
                fail(STEP_RESTORE, Outcome.FAILED, t0, message(e), why);
            } catch (RestoreFailedException e) {
                fail(STEP_RESTORE, Outcome.FAILED, t0, message(e), "restore failed: " + message(e));
            } catch (IOException | RuntimeException e) {
                fail(STEP_RESTORE, Outcome.ERRORED, t0, message(e), "could not restore: " + message(e));
            }
        }

        /**
         * How long the restore tool may run. Over {@code max_restore_time} the drill fails its RTO
         * check anyway; it runs on to twice that, so a slow restore is still timed (the report
         * says by how much it missed), and one that hangs fails then, not a day later with the
         * next drill waiting on its lock.
         */
        private Duration restoreLimit() {
            return spec.maxRestoreTime().map(t -> t.multipliedBy(2)).orElse(Sandbox.RESTORE_LIMIT);
        }

        /** The backup's stream failed: its defect (FAILED) or unavailability (ERRORED) is the reason, whatever the restore tool said. */
        private void backupReadFailed(IOException e, long t0) {
            if (e instanceof DrillBackup.BackupReadException b && b.isDefect()) {
                fail(STEP_RESTORE, Outcome.FAILED, t0, message(b), message(b));
            } else if (e instanceof DrillBackup.BackupReadException b) {
                fail(STEP_RESTORE, Outcome.ERRORED, t0, message(b), "could not read backup " + backupId() + ": " + message(b));
            } else {
                fail(STEP_RESTORE, Outcome.ERRORED, t0, message(e), "could not read backup " + backupId() + ": " + message(e));
            }
        }

        /** Built-in checks, then the spec's; only RPO when nothing was restored. */
        private void runChecks(Sandbox sandbox) {
            List<Check> toRun = new ArrayList<>();
            spec.maxBackupAge().map(RpoCheck::new).ifPresent(toRun::add);
            if (restoreDuration != null) {
                spec.maxRestoreTime().map(RtoCheck::new).ifPresent(toRun::add);
                toRun.add(new RowCountCheck(spec.rowCountTolerance()));
                if (backup.canary().isPresent()) {
                    toRun.add(new CanaryCheck());
                }
            }
            int builtIns = toRun.size();
            if (restoreDuration != null) {
                toRun.addAll(spec.checks());
            }
            if (toRun.isEmpty()) {
                return;
            }
            progress.step(STEP_CHECKS);
            restored = sandbox == null ? null : new RowCountMemo(sandbox);
            CheckContext context = new CheckContext(restored, backup, startedAt, restoreDuration);
            long t0 = System.nanoTime();
            Outcome worst = Outcome.PASSED;
            for (int i = 0; i < toRun.size(); i++) {
                Check check = toRun.get(i);
                progress.check(i + 1, toRun.size(), nameOf(check));
                CheckResult r = runOne(check, context);
                checks.add(r);
                worst = worst.worst(r.status());
                if (r.status() != Outcome.PASSED) {
                    // built-in reasons read on their own ("backup is 30h12m old, ..."); configured ones need their name
                    String reason = i < builtIns ? r.reason() : "check \"" + r.name() + "\": " + r.reason();
                    checkProblems.add(new Problem(r.status(), reason));
                }
            }
            long passed = checks.stream().filter(c -> c.status() == Outcome.PASSED).count();
            steps.add(new StepResult(STEP_CHECKS, worst, since(t0), passed + " of " + checks.size() + " checks passed"));
        }

        private CheckResult runOne(Check check, CheckContext context) {
            long t0 = System.nanoTime();
            String name = nameOf(check);
            try {
                CheckResult r = check.run(context);
                if (r == null) {
                    return new CheckResult(name, Outcome.ERRORED, "the check returned no result", Optional.empty(), since(t0));
                }
                // the runner's clock is the one every check is timed by
                return new CheckResult(r.name(), r.status(), r.reason(), r.observed(), since(t0));
            } catch (RuntimeException e) {
                return new CheckResult(name, Outcome.ERRORED, "the check stopped unexpectedly: " + message(e),
                        Optional.empty(), since(t0));
            }
        }

        private void teardown(Sandbox sandbox) {
            if (sandbox == null) {
                return;
            }
            try {
                warnings.addAll(sandbox.warnings());
            } catch (RuntimeException e) {
                warnings.add("could not read the sandbox's warnings: " + message(e));
            }
            progress.step(STEP_TEARDOWN);
            long t0 = System.nanoTime();
            try {
                sandbox.close();
                steps.add(new StepResult(STEP_TEARDOWN, Outcome.PASSED, since(t0), "removed " + sandboxDescription));
            } catch (RuntimeException e) {
                steps.add(new StepResult(STEP_TEARDOWN, Outcome.ERRORED, since(t0), message(e)));
                warnings.add("teardown of the sandbox did not complete: " + message(e));
            }
        }

        private void fail(String step, Outcome status, long t0, String detail, String reason) {
            steps.add(new StepResult(step, status, since(t0), detail));
            stepProblems.add(new Problem(status, reason));
        }

        private DrillResult result() {
            Instant finishedAt = clock.instant();
            Outcome outcome = Outcome.PASSED;
            List<Problem> all = new ArrayList<>(stepProblems);
            all.addAll(checkProblems);
            for (Problem p : all) {
                outcome = outcome.worst(p.status());
            }
            String reason;
            if (outcome == Outcome.PASSED) {
                reason = summary();
            } else {
                Outcome decided = outcome;
                Problem first = all.stream().filter(p -> p.status() == decided).findFirst().orElseThrow();
                long more = all.size() - 1;
                reason = oneLine(first.reason()) + (more > 0 ? " (and " + more + " more problem" + (more > 1 ? "s" : "")
                        + ")" : "");
            }
            Optional<Duration> age;
            try {
                age = Optional.of(Duration.between(backup.takenAt(), startedAt));
            } catch (RuntimeException e) {
                age = Optional.empty();
            }
            return new DrillResult(spec.name(), runId, backupIdOptional(), outcome, reason, startedAt, finishedAt, age,
                    Optional.ofNullable(restoreDuration), sandboxDescription, new ArrayList<>(steps), checks, warnings);
        }

        /** "restored 4 tables, 20,000 rows in 3.2 s; 5 checks passed". */
        private String summary() {
            StringBuilder s = new StringBuilder("restored ");
            Map<String, Long> counts = restored == null ? null : restored.counted;
            if (counts != null) {
                long rows = counts.values().stream().mapToLong(Long::longValue).sum();
                s.append(String.format(Locale.ROOT, "%,d table%s, %,d row%s ", counts.size(), counts.size() == 1 ? "" : "s",
                        rows, rows == 1 ? "" : "s"));
            }
            s.append("in ").append(restoreDuration == null ? "?" : Durations.describe(restoreDuration));
            s.append("; ").append(checks.size()).append(checks.size() == 1 ? " check passed" : " checks passed");
            return s.toString();
        }

        private String backupId() {
            return backupIdOptional().orElse("(unknown id)");
        }

        private Optional<String> backupIdOptional() {
            try {
                return Optional.ofNullable(backup.backupId());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * The sandbox as checks see it, remembering the row counts once taken: the row count check
     * takes them, and the PASSED summary reports them without counting a large database twice.
     */
    private static final class RowCountMemo implements Sandbox {
        private final Sandbox sandbox;
        private volatile Map<String, Long> counted;

        RowCountMemo(Sandbox sandbox) {
            this.sandbox = sandbox;
        }

        @Override
        public String describe() {
            return sandbox.describe();
        }

        @Override
        public List<String> warnings() {
            return sandbox.warnings();
        }

        @Override
        public void restore(InputStream dump, String dumpFormat, Duration limit) {
            throw new UnsupportedOperationException("checks do not restore");
        }

        @Override
        public QueryResult query(String sql, Duration timeout) throws QueryFailedException {
            return sandbox.query(sql, timeout);
        }

        @Override
        public Map<String, Long> rowCounts(Duration timeout) throws QueryFailedException {
            Map<String, Long> c = counted;
            if (c == null) {
                c = Map.copyOf(sandbox.rowCounts(timeout));
                counted = c;
            }
            return c;
        }

        @Override
        public void close() {
            // the runner closes the real sandbox; a check cannot
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : m;
    }

    /** Line breaks (server logs, pg_restore's "Command was:") become " | ", tabs and runs of spaces one space; very long reasons are cut. */
    static String oneLine(String s) {
        String line = s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " | ").replaceAll("\\s+", " ");
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "…";
    }

    private static String size(long bytes) {
        if (bytes < 10 * 1024) {
            return bytes + " bytes";
        }
        if (bytes < 10L * 1024 * 1024) {
            return bytes / 1024 + " KiB";
        }
        return bytes / (1024 * 1024) + " MiB";
    }

    private static String nameOf(Check check) {
        try {
            return check.name();
        } catch (RuntimeException e) {
            return check.getClass().getSimpleName();
        }
    }

    /** A listener that throws is a bug in the listener: it must never decide a drill's outcome. */
    private record QuietProgress(DrillProgress inner) implements DrillProgress {
        @Override
        public void step(String name) {
            try {
                inner.step(name);
            } catch (RuntimeException ignored) {
                // progress is cosmetic
            }
        }

        @Override
        public void restored(long bytes, long total) {
            try {
                inner.restored(bytes, total);
            } catch (RuntimeException ignored) {
                // progress is cosmetic
            }
        }

        @Override
        public void check(int index, int total, String name) {
            try {
                inner.check(index, total, name);
            } catch (RuntimeException ignored) {
                // progress is cosmetic
            }
        }
    }

    /** Counts the plaintext bytes the sandbox read, for the restore step's detail and the progress line. */
    private static final class CountingInputStream extends FilterInputStream {
        private final java.util.function.LongConsumer onRead;
        private long count;

        CountingInputStream(InputStream in, java.util.function.LongConsumer onRead) {
            super(in);
            this.onRead = onRead;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
                onRead.accept(count);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                onRead.accept(count);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipping would hide bytes from nobody (the backup stream still hashes them) but keep the count honest
            long skipped = in.skip(n);
            count += Math.max(0, skipped);
            return skipped;
        }
    }
}
