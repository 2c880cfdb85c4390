package io.lifeboat.drills.privateserver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A private server left behind by a process that died without closing it, as
 * {@link Orphans#reap} found and removed it.
 *
 * @param clusterDir       the directory that held the cluster
 * @param ownerPid         the process that started it and is gone
 * @param createdAt        when that process started it
 * @param serverWasRunning a server was still running there and had to be stopped
 * @param problem          empty when the server is stopped and the directory and its marker are
 *                         gone; otherwise what is left and why (the marker stays, so a later
 *                         call tries again)
 */
public record ReapedCluster(Path clusterDir, long ownerPid, Instant createdAt, boolean serverWasRunning,
                            Optional<String> problem) {

    public ReapedCluster {
        Objects.requireNonNull(clusterDir, "clusterDir");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(problem, "problem");
    }

    /** Whether nothing of the orphan is left. */
    public boolean cleaned() {
        return problem.isEmpty();
    }
}
