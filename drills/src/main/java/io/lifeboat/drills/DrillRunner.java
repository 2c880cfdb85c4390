package io.lifeboat.drills;

import io.lifeboat.drills.check.CanaryCheck;
import io.lifeboat.drills.check.Check;
import io.lifeboat.drills.check.CheckContext;
import io.lifeboat.drills.check.CheckResult;
import io.lifeboat.drills.check.RowCountCheck;
import io.lifeboat.drills.check.RpoCheck;
import io.lifeboat.drills.check.RtoCheck;
import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import io.lifeboat.drills.sandbox.RestoreFailedException;
import io.lifeboat.drills.sandbox.Sandbox;
import io.lifeboat.drills.sandbox.SandboxProvider;
import io.lifeboat.drills.sandbox.SandboxRefusedException;
import io.lifeboat.drills.sandbox.SandboxRequest;
import io.lifeboat.drills.sandbox.SandboxUnavailableException;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
 * purpose: every path, including unexpected exceptions, ends in a result with a reason, the
 * sandbox closed and the work directory deleted.
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li>A private (0700) work directory under {@code workParentDir}.</li>
 *   <li>{@link DrillBackup#materialize}: fetch, verify, decrypt into a 0600 file there (the backup
 *       records those steps; if it records none, the runner records one {@code materialize} step).</li>
 *   <li>{@link SandboxProvider#create} (step {@code sandbox}).</li>
 *   <li>{@link Sandbox#restore} (step {@code restore}; its duration is the RTO); the plaintext dump
 *       is deleted as soon as the restore ends, whatever its outcome.</li>
 *   <li>Checks, each timed (step {@code checks} sums them up): built-in ones first — backup age
 *       (RPO) when {@code max_backup_age} is set, restore time (RTO) when
 *       {@code max_restore_time} is set, row counts against the manifest, the canary row when the
 *       backup has one — then the drill's own checks in order. RPO looks only at the manifest, so
 *       it is evaluated even when nothing could be restored.</li>
 *   <li>{@link Sandbox#close()} (step {@code teardown}) and deletion of the work directory, on every path.</li>
 * </ol>
 *
 * <h2>Outcome</h2>
 * FAILED when the backup or its data is bad: {@link DrillBackup.BackupDefectException},
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
    public static final String STEP_MATERIALIZE = "materialize";
    public static final String STEP_SANDBOX = "sandbox";
    public static final String STEP_RESTORE = "restore";
    public static final String STEP_CHECKS = "checks";
    public static final String STEP_TEARDOWN = "teardown";

    /** Reasons longer than this are cut: they are one line in a report and a chat message. */
    private static final int MAX_REASON = 600;
    private static final String DUMP_FILE = "backup.dump";
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SandboxProvider provider;
    private final Path workParentDir;
    private final Clock clock;

    /**
     * @param provider      makes the sandbox each drill restores into
     * @param workParentDir where each run makes its private work directory (for the plaintext
     *                      dump); created 0700 if missing. It should be on a disk with room for
     *                      the largest dump
     * @param clock         for the run's start and end and for the backup's age (RPO); step
     *                      durations are measured with the monotonic clock
     */
    public DrillRunner(SandboxProvider provider, Path workParentDir, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.workParentDir = Objects.requireNonNull(workParentDir, "workParentDir").toAbsolutePath().normalize();
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
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(backup, "backup");
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("a run id must not be blank");
        }
        return new Run(spec, backup, runId).execute();
    }

    private String newRunId() {
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
        private final List<StepResult> steps = Collections.synchronizedList(new ArrayList<>());
        private final List<CheckResult> checks = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final List<Problem> stepProblems = new ArrayList<>();
        private final List<Problem> checkProblems = new ArrayList<>();
        private Instant startedAt;
        private String sandboxDescription;
        private Duration restoreDuration;
        private RowCountMemo restored;

        Run(DrillSpec spec, DrillBackup backup, String runId) {
            this.spec = spec;
            this.backup = backup;
            this.runId = runId;
            this.sandboxDescription = provider.kind() + " sandbox (not created)";
        }

        DrillResult execute() {
            startedAt = clock.instant();
            Path workDir = null;
            Sandbox sandbox = null;
            try {
                workDir = createWorkDir();
                Path dump = workDir == null ? null : materialize(workDir);
                if (dump != null) {
                    sandbox = createSandbox();
                }
                if (sandbox != null) {
                    restore(sandbox, dump);
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
                deleteWorkDir(workDir);
            }
            return result();
        }

        private Path createWorkDir() {
            long t0 = System.nanoTime();
            try {
                if (!Files.isDirectory(workParentDir)) {
                    Files.createDirectories(workParentDir, PRIVATE_DIR);
                }
                return Files.createTempDirectory(workParentDir, "drill-", PRIVATE_DIR);
            } catch (IOException | RuntimeException e) {
                String why = "could not create a private work directory in " + workParentDir + ": " + message(e);
                steps.add(new StepResult("workdir", Outcome.ERRORED, since(t0), why));
                stepProblems.add(new Problem(Outcome.ERRORED, why));
                return null;
            }
        }

        /** The plaintext dump's path, or null when the backup could not be materialized. */
        private Path materialize(Path workDir) {
            Path dump = workDir.resolve(DUMP_FILE);
            int before = steps.size();
            long t0 = System.nanoTime();
            try {
                // created 0600 before the backup writes, so no byte of plaintext is ever readable by others
                Files.createFile(dump, PRIVATE_FILE);
                backup.materialize(dump, (name, status, duration, detail) ->
                        steps.add(new StepResult(name, status, duration, detail)));
                if (steps.size() == before) {
                    steps.add(new StepResult(STEP_MATERIALIZE, Outcome.PASSED, since(t0), "plaintext dump of "
                            + size(dump) + " ready"));
                }
                return dump;
            } catch (DrillBackup.BackupDefectException e) {
                fail(STEP_MATERIALIZE, Outcome.FAILED, t0, message(e), message(e));
            } catch (DrillBackup.BackupUnavailableException e) {
                fail(STEP_MATERIALIZE, Outcome.ERRORED, t0, message(e), "could not read backup " + backupId() + ": " + message(e));
            } catch (IOException | RuntimeException e) {
                fail(STEP_MATERIALIZE, Outcome.ERRORED, t0, message(e), "could not materialize backup " + backupId()
                        + ": " + message(e));
            }
            return null;
        }

        private Sandbox createSandbox() {
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

        private void restore(Sandbox sandbox, Path dump) {
            long t0 = System.nanoTime();
            try {
                sandbox.restore(dump, backup.dumpFormat());
                restoreDuration = since(t0);
                steps.add(new StepResult(STEP_RESTORE, Outcome.PASSED, restoreDuration, "restored " + backup.dumpFormat()
                        + " dump of " + size(dump) + " in " + Durations.describe(restoreDuration)));
            } catch (RestoreFailedException e) {
                fail(STEP_RESTORE, Outcome.FAILED, t0, message(e), "restore failed: " + message(e));
            } catch (RuntimeException e) {
                fail(STEP_RESTORE, Outcome.ERRORED, t0, message(e), "could not restore: " + message(e));
            } finally {
                // the plaintext is needed no longer than the restore: delete it before the checks run
                try {
                    Files.deleteIfExists(dump);
                } catch (IOException e) {
                    warnings.add("could not delete the plaintext dump " + dump + " right after the restore: " + message(e));
                }
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
            restored = sandbox == null ? null : new RowCountMemo(sandbox);
            CheckContext context = new CheckContext(restored, backup, startedAt, restoreDuration);
            long t0 = System.nanoTime();
            Outcome worst = Outcome.PASSED;
            for (int i = 0; i < toRun.size(); i++) {
                Check check = toRun.get(i);
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
            String name;
            try {
                name = check.name();
            } catch (RuntimeException e) {
                name = check.getClass().getSimpleName();
            }
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
            long t0 = System.nanoTime();
            try {
                sandbox.close();
                steps.add(new StepResult(STEP_TEARDOWN, Outcome.PASSED, since(t0), "removed " + sandboxDescription));
            } catch (RuntimeException e) {
                steps.add(new StepResult(STEP_TEARDOWN, Outcome.ERRORED, since(t0), message(e)));
                warnings.add("teardown of the sandbox did not complete: " + message(e));
            }
        }

        private void deleteWorkDir(Path workDir) {
            if (workDir == null) {
                return;
            }
            try {
                deleteTree(workDir);
            } catch (IOException | RuntimeException e) {
                warnings.add("could not delete the work directory " + workDir + ": " + message(e));
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
        public void restore(Path dumpFile, String dumpFormat) {
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

    private static String size(Path file) {
        try {
            long bytes = Files.size(file);
            if (bytes < 10 * 1024) {
                return bytes + " bytes";
            }
            if (bytes < 10L * 1024 * 1024) {
                return bytes / 1024 + " KiB";
            }
            return bytes / (1024 * 1024) + " MiB";
        } catch (IOException e) {
            return "unknown size";
        }
    }

    /** Deletes a tree without following symlinks (the backup could have put anything there). */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
