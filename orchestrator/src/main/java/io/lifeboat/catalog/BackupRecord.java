package io.lifeboat.catalog;

import java.time.Instant;
import java.util.Optional;

/**
 * One backup run in the catalog.
 *
 * @param source      the source's name
 * @param backupId    the stored backup's id; empty when the run failed before it had one stored
 * @param outcome     how it ended
 * @param reason      one line a person can act on (the error, or a summary)
 * @param startedAt   start of the run
 * @param finishedAt  end of the run (the manifest written, or the failure)
 * @param rawBytes    dump size before compression; -1 when unknown
 * @param storedBytes size of the stored object; -1 when unknown
 * @param objectKey   the data object's key under the target's prefix
 * @param origin      what started it
 * @param node        host and process that recorded it
 */
public record BackupRecord(String source, Optional<String> backupId, BackupOutcome outcome, String reason,
                           Instant startedAt, Instant finishedAt, long rawBytes, long storedBytes,
                           Optional<String> objectKey, RunOrigin origin, String node) {
}
