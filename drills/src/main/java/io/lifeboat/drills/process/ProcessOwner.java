package io.lifeboat.drills.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The process that owns something lifeboat leaves outside itself while a drill runs (a
 * throwaway database on a sandbox server, a container), written where that thing lives so a
 * later run can tell that the owner died without cleaning up.
 *
 * <p>A process id alone is not enough: ids are reused, and other hosts have their own. So the
 * owner is named by host, boot, pid and start time, and judged dead only when that is certain:
 * the same host booted since, or the same boot with no such process or a different process
 * that reused the id. An owner on another host is never judged dead (lifeboat cannot see its
 * processes).
 *
 * @param host      the host name ({@code /proc/sys/kernel/hostname})
 * @param bootId    the kernel's boot id ({@code /proc/sys/kernel/random/boot_id}); empty when unknown
 * @param pid       the owning JVM's process id
 * @param startedAt when it started, as the OS reports it; empty when it did not say
 */
public record ProcessOwner(String host, String bootId, long pid, Optional<Instant> startedAt) {

    /** Start times read twice from the OS can differ by rounding; a reused pid will not be this close. */
    private static final Duration SAME_START = Duration.ofSeconds(1);

    public ProcessOwner {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(startedAt, "startedAt");
        if (host.contains(";") || bootId.contains(";")) {
            throw new IllegalArgumentException("host and boot id must not contain ';'");
        }
    }

    /** This JVM. */
    public static ProcessOwner current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessOwner(thisHost(), thisBoot(), self.pid(), self.info().startInstant());
    }

    /**
     * True only when the owner is certainly gone (see the class comment); an owner on another
     * host, or one whose start time the OS does not report, counts as alive.
     */
    public boolean isCertainlyDead() {
        if (!host.equals(thisHost())) {
            return false;
        }
        String boot = thisBoot();
        if (!bootId.isEmpty() && !boot.isEmpty() && !bootId.equals(boot)) {
            return true;
        }
        return !mayBeAlive(pid, startedAt);
    }

    /**
     * Whether process {@code pid}, started at {@code startedAt}, may still run on this host: false
     * only when there is no such process, or the one with that id started at another time (the id
     * was reused). Errs on the side of "alive" when the OS does not report start times.
     */
    public static boolean mayBeAlive(long pid, Optional<Instant> startedAt) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Optional<Instant> started = handle.get().info().startInstant();
        if (startedAt.isEmpty() || started.isEmpty()) {
            return true;
        }
        return Duration.between(started.get(), startedAt.get()).abs().compareTo(SAME_START) <= 0;
    }

    /** {@code host=…;boot=…;pid=…;started=…}: one line, no quotes, parsed back by {@link #parse}. */
    public String encode() {
        return "host=" + host + ";boot=" + bootId + ";pid=" + pid + ";started=" + startedAt.map(Instant::toString).orElse("");
    }

    /** The owner named in {@code text} after {@code prefix}, or empty when the text is not such a record. */
    public static Optional<ProcessOwner> parse(String text, String prefix) {
        if (text == null || !text.startsWith(prefix)) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.substring(prefix.length()).strip().split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        try {
            String started = fields.getOrDefault("started", "");
            return Optional.of(new ProcessOwner(fields.get("host"), fields.getOrDefault("boot", ""),
                    Long.parseLong(fields.get("pid")), started.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(started))));
        } catch (NullPointerException | NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** This host's name as the kernel has it (no DNS look-up). */
    public static String thisHost() {
        return readProc("/proc/sys/kernel/hostname").orElseGet(() -> Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown"));
    }

    private static String thisBoot() {
        return readProc("/proc/sys/kernel/random/boot_id").orElse("");
    }

    private static Optional<String> readProc(String file) {
        try {
            String s = Files.readString(Path.of(file)).strip().replace(";", "_");
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
