package io.lifeboat.restore;

import io.lifeboat.drills.restore.Ownership;
import java.time.Instant;
import java.util.Optional;

/**
 * What a person asked to restore, before anything was looked up.
 *
 * @param source   the source's name
 * @param backupId a backup id ({@code --backup}); empty: the newest complete one (or the one before {@code at})
 * @param at       the newest complete backup taken at or before this time ({@code --at})
 * @param into     the database to restore into ({@code --into}); empty: a new {@code <db>_restored_<time>}
 * @param replace  put the restored database in the place of {@code into} (or the source's database)
 * @param ownership the backup's owners and grants ({@link Ownership#AS_IN_BACKUP}, the default), or
 *                 everything owned by the restoring user ({@code --no-owner})
 */
public record RestoreAsk(String source, Optional<String> backupId, Optional<Instant> at, Optional<String> into,
                         boolean replace, Ownership ownership) {
}
