package io.lifeboat.catalog;

import java.time.Instant;

/**
 * One step of a restore as the catalog keeps it ({@code lifeboat_restore_event}). The catalog does
 * not interpret {@code event}: the restore package names its steps. Never holds a one-time code or
 * its hash.
 *
 * @param recordedAt when it happened
 * @param event      what happened (REQUESTED, APPROVED, REFUSED, EXPIRED, RESTORED, ...)
 * @param requestId  the approval request's id, or the terminal run's id
 * @param source     the source restored
 * @param backupId   the backup the plan chose
 * @param database   the database restored into (or that would have been)
 * @param uid        the OS user who did it
 * @param user       that user's name
 * @param reason     the outcome or why, for a person
 */
public record RestoreEventRecord(Instant recordedAt, String event, String requestId, String source, String backupId,
                                 String database, int uid, String user, String reason) {
}
