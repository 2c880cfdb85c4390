package io.lifeboat.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A drill: restore a backup of {@code source} into a sandbox and verify it.
 *
 * @param name              the key under {@code drills:}; part of the sandbox database's name
 * @param source            name of the source whose backups are restored; the loader checked it exists
 * @param sandbox           where the restore goes
 * @param sandboxServer     for {@link SandboxKind#SERVER} only: the name under {@code sandboxes:}
 *                          (same engine as the source, and not the server of any source)
 * @param image             for {@link SandboxKind#DOCKER} only: a pinned container image replacing
 *                          the default image for the source's version
 * @param schedule          Quartz cron expression for scheduled drills; {@link #DEFAULT_SCHEDULE}
 *                          when the file sets none
 * @param maxBackupAge      RPO: the restored backup may be at most this old at drill time
 * @param maxRestoreTime    RTO: the restore may take at most this long
 * @param rowCountTolerance allowed relative difference between restored and manifest row counts,
 *                          0.0 (exact, the default) to 1.0
 * @param checkTimeout      the drill's default per-check timeout (already applied to {@code checks})
 * @param checks            verification queries, in file order
 * @param line              line of the drill's key in the file
 */
public record DrillConfig(
        String name,
        String source,
        SandboxKind sandbox,
        Optional<String> sandboxServer,
        Optional<String> image,
        String schedule,
        Optional<Duration> maxBackupAge,
        Optional<Duration> maxRestoreTime,
        double rowCountTolerance,
        Duration checkTimeout,
        List<CheckConfig> checks,
        int line) {

    /** Quarterly: 03:00 on the first day of January, April, July and October. */
    public static final String DEFAULT_SCHEDULE = "0 0 3 1 1,4,7,10 ?";
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(30);

    public DrillConfig {
        checks = List.copyOf(checks);
    }
}
