package io.lifeboat.drills.privateserver;

import io.lifeboat.drills.process.ChildProcess;
import io.lifeboat.drills.process.ChildProcessException;
import io.lifeboat.drills.process.ProcessOutcome;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system account a private server runs under, and how lifeboat runs programs as it.
 *
 * <p>{@code initdb}, {@code pg_ctl} and {@code postgres} refuse to run as root, {@code mariadbd}
 * wants {@code --user}, and lifeboat often runs as root (cron, CI). Then every server program
 * runs as the engine's unprivileged system user ({@code postgres}, {@code mysql}) through
 * {@code setpriv} (which execs in place: no PAM session, no extra parent process) or, where
 * util-linux is too old for it, {@code runuser}; the files it must own are chowned to it.
 * Otherwise the server runs as the current user and nothing is switched.
 *
 * @param name         the account's user name
 * @param uid          its user id
 * @param gid          its primary group id
 * @param switchPrefix what to put before a command to run it as this account; empty when it is
 *                     the current account
 */
public record ServerAccount(String name, int uid, int gid, List<String> switchPrefix) {

    private static final List<String> SYSTEM_DIRS = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");
    private static final Map<String, ServerAccount> BY_SYSTEM_USER = new java.util.concurrent.ConcurrentHashMap<>();

    public ServerAccount {
        switchPrefix = List.copyOf(switchPrefix);
    }

    /**
     * The account for servers started by this JVM (looked up once per user): this JVM's own, or
     * {@code systemUser} when this JVM is root.
     *
     * @param systemUser the engine's system account, created by its Debian packages
     * @param engine     the engine's name for messages ("PostgreSQL")
     * @throws PrivateServerException when running as root and {@code systemUser} is missing or unusable
     */
    public static ServerAccount forThisProcess(String systemUser, String engine) {
        return BY_SYSTEM_USER.computeIfAbsent(systemUser, u -> lookUp(u, engine));
    }

    /** Whether server programs run as another account than this JVM's. */
    public boolean switches() {
        return !switchPrefix.isEmpty();
    }

    /** {@code command}, run as this account. */
    public List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(switchPrefix);
        full.addAll(command);
        return full;
    }

    /** Hands {@code path} to this account (nothing to do when it is ours already). */
    public void own(Path path) throws IOException {
        if (switches()) {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Runs a command as this account to its end, with {@code workDir} as its directory: a
     * directory the account can enter, because {@code initdb} and {@code pg_ctl} fail when they
     * cannot resolve the current directory.
     */
    public ProcessOutcome run(List<String> command, Path workDir, long timeoutSeconds) {
        try (ChildProcess child = ChildProcess.start(command(command), Map.of(), Optional.of(workDir), Optional.empty())) {
            child.stdin().close();
            // pg_ctl prints progress dots to stdout; the useful complaint is on stderr (kept as the tail)
            child.stdout().transferTo(OutputStream.nullOutputStream());
            return child.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServerAccount lookUp(String systemUser, String engine) {
        int uid = effectiveUid();
        if (uid != 0) {
            return new ServerAccount(System.getProperty("user.name"), uid, -1, List.of());
        }
        String entry;
        try {
            entry = ChildProcess.run(List.of(systemProgram("getent").orElse("getent"), "passwd", systemUser),
                    Map.of(), 20).strip();
        } catch (ChildProcessException | UncheckedIOException e) {
            throw new PrivateServerException("lifeboat runs as root, " + engine + " must not run as root, and the"
                    + " system user '" + systemUser + "' to run it as was not found (" + e.getMessage()
                    + "); install the engine's server package, which creates it, or create the user");
        }
        String[] f = entry.split(":");
        if (f.length < 4) {
            throw new PrivateServerException("unexpected passwd entry for " + systemUser + ": " + entry);
        }
        int sysUid = Integer.parseInt(f[2]);
        int sysGid = Integer.parseInt(f[3]);
        if (sysUid == 0) {
            throw new PrivateServerException("the system user '" + systemUser + "' has uid 0; " + engine
                    + " must not run as it");
        }
        Optional<String> setpriv = systemProgram("setpriv");
        List<String> prefix;
        if (setpriv.isPresent()) {
            prefix = List.of(setpriv.get(), "--reuid=" + sysUid, "--regid=" + sysGid, "--init-groups", "--");
        } else {
            String runuser = systemProgram("runuser").orElseThrow(() -> new PrivateServerException(
                    "lifeboat runs as root and needs setpriv or runuser (util-linux) to run " + engine + " as "
                            + systemUser + "; neither was found in " + SYSTEM_DIRS));
            prefix = List.of(runuser, "-u", systemUser, "--");
        }
        return new ServerAccount(systemUser, sysUid, sysGid, prefix);
    }

    /** The effective uid, from /proc: what the kernel checks, whatever {@code user.name} claims. */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell which user this process runs as", e);
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }

    /** Absolute paths, so cron's short PATH cannot pick a different program. */
    public static Optional<String> systemProgram(String name) {
        return SYSTEM_DIRS.stream().map(d -> Path.of(d, name)).filter(Files::isExecutable)
                .map(Path::toString).findFirst();
    }
}
