package io.lifeboat.restore;

import io.lifeboat.drills.restore.Ownership;
import java.time.Instant;
import java.util.Optional;

/**
 * A pending restore, as stored in its request file. It holds what was asked (so the approver's
 * run re-makes the same plan), who asked, until when, and a salted hash of the code; never the code.
 *
 * @param id           the request id (also the file name)
 * @param source       the source to restore
 * @param backupId     the backup the plan chose (fixed: a newer backup does not sneak in)
 * @param database     the database the plan restores into
 * @param into         {@code --into} as given
 * @param replace      {@code --replace}
 * @param ownership    {@code --no-owner} or not
 * @param plannedAt    the plan's time (the names of the databases it creates carry it)
 * @param requesterUid the OS user who asked
 * @param requester    that user's name, for people
 * @param createdAt    when it was asked
 * @param expiresAt    after this, it can only expire
 * @param salt         the code hash's salt
 * @param codeHash     {@link OneTimeCode#hash} of the code and {@link #binding()}
 */
public record ApprovalRequest(String id, String source, String backupId, String database, Optional<String> into,
                              boolean replace, Ownership ownership, Instant plannedAt, int requesterUid, String requester, Instant createdAt,
                              Instant expiresAt, String salt, String codeHash) {

    /** Everything the code approves: changing any of it in the file invalidates the code. */
    public String binding() {
        return String.join("\n", id, source, backupId, database, into.orElse(""), Boolean.toString(replace), ownership.name(),
                plannedAt.toString(), Integer.toString(requesterUid), createdAt.toString(), expiresAt.toString());
    }

    public RestoreAsk ask() {
        return new RestoreAsk(source, Optional.of(backupId), Optional.empty(), into, replace, ownership);
    }
}
