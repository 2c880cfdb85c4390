package io.lifeboat.drills.restore;

/**
 * Who owns what a restore creates, and whether the backup's grants come back with it.
 *
 * <p>A drill's sandbox never has the source's roles, so drills always restore as the sandbox's
 * user. A restore onto the real server is different: a database whose tables come back owned by
 * the administrator who ran the restore, without the grants the application's role had, "restores
 * fine" and then the application is refused on every query. So a real restore keeps owners and
 * grants unless a person asks otherwise, and fails loudly (naming the role) where it cannot.
 */
public enum Ownership {
    /**
     * Every object gets the owner and the grants it had in the backup. The roles must exist on the
     * server (roles belong to the server, not to a database's dump) and the restoring user must be
     * allowed to give objects to them; otherwise the restore fails with the server's message.
     */
    AS_IN_BACKUP,
    /** Every object belongs to the restoring user, and the backup's grants are left out. */
    RESTORING_USER
}
