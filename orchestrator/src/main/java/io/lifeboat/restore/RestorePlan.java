package io.lifeboat.restore;

import io.lifeboat.backup.Manifest;
import io.lifeboat.config.RestorePolicy;
import io.lifeboat.drills.check.Check;
import io.lifeboat.drills.restore.ExistingDatabase;
import io.lifeboat.drills.restore.Ownership;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code lifeboat restore} would do, decided before anything is done: shown by
 * default, confirmed by a person, then executed exactly (the executor takes no other input).
 *
 * @param source           the source's name
 * @param where            engine, host and port of the server restored onto
 * @param host             the server's host
 * @param port             the server's port
 * @param backup           which backup, and what is known of it
 * @param database         the database that holds the restored data when the restore is done
 * @param restoreInto      the new database created and restored into; equals {@code database}
 *                         unless replacing, when it is swapped in after the checks passed
 * @param existing         what is under {@code database} now (replacing only; otherwise nothing is there)
 * @param keepOldAs        replacing: the name the existing database keeps (never dropped)
 * @param expectedDuration the last drill's restore time of this source, if a drill ever restored one
 * @param expectedBasis    where the expectation comes from, or why there is none
 * @param checks           what runs against the restored database before success is reported
 * @param ownership        the backup's owners and grants, or everything owned by {@code restoringUser}
 * @param ownershipNote    what that means on this server, for people
 * @param gate             who must confirm
 * @param plannedAt        when the plan was made (names carry this time)
 * @param warnings         things a person should know (a newer damaged backup skipped, …)
 * @param manifest         the backup's manifest, for the executor
 */
public record RestorePlan(String source, String where, String host, int port, BackupFacts backup, String database,
                          String restoreInto, Optional<ExistingDatabase> existing, Optional<String> keepOldAs,
                          Optional<Duration> expectedDuration, String expectedBasis, List<PlannedCheck> checks,
                          Ownership ownership, String ownershipNote,
                          RestorePolicy.Gate gate, Instant plannedAt, List<String> warnings, Manifest manifest) {

    public RestorePlan {
        checks = List.copyOf(checks);
        warnings = List.copyOf(warnings);
    }

    public boolean replaces() {
        return keepOldAs.isPresent();
    }

    /**
     * The backup as the plan shows it.
     *
     * @param lastDrill the outcome of the last drill of this backup, or what is known instead
     */
    public record BackupFacts(String id, Instant takenAt, Duration age, long storedBytes, String sha256, String lastDrill) {
    }

    /** A check that runs after the restore, with how the plan describes it. */
    public record PlannedCheck(String description, Check check) {
    }
}
