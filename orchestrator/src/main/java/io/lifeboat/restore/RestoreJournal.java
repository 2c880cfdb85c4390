package io.lifeboat.restore;

import java.time.Instant;
import java.util.List;

/**
 * The record of every restore request, approval, refusal, expiry and outcome. Append-only: an
 * entry, once written, is never changed. Kept in the catalog ({@link CatalogRestoreJournal}); JSON
 * lines in the state directory ({@link JsonLinesRestoreJournal}) only when the catalog cannot be
 * opened (see {@code Application.restoreJournal}).
 */
public interface RestoreJournal {

    /** What happened. */
    enum Event { REQUESTED, CODE_SENT, CONFIRMED, APPROVED, REFUSED, EXPIRED, RESTORED, RESTORE_FAILED }

    /**
     * One entry.
     *
     * @param at       when
     * @param event    what happened
     * @param request  the request id (approval gate) or the run id (terminal gate)
     * @param source   the source restored
     * @param backupId the backup the plan chose
     * @param database the database restored into (or that would have been)
     * @param uid      the OS user who did it
     * @param user     that user's name
     * @param detail   why, for a person; never a code or password
     */
    record Entry(Instant at, Event event, String request, String source, String backupId, String database, int uid,
                 String user, String detail) {
    }

    /** Appends an entry durably, or throws: a restore step that cannot be recorded does not happen. */
    void record(Entry entry);

    /** Every entry, oldest first. */
    List<Entry> entries();
}
