package io.lifeboat.drills.restore;

import io.lifeboat.drills.sandbox.Sandbox;

/**
 * A database {@link RestoreTarget#createNew} created for one restore. It is a {@link Sandbox}
 * while it is restored into and checked (so the drill checks run against it unchanged), and
 * its {@link #close()} drops it <em>unless</em> it was kept or swapped in: a restore that fails
 * anywhere, used in try-with-resources, leaves nothing of itself and the original untouched.
 */
public interface NewDatabase extends Sandbox {

    /** Its name. */
    String name();

    /** Keep it: {@link #close()} will no longer drop it. */
    void keep();

    /**
     * Puts this database in the place of {@code existing} in one step: connections to
     * {@code existing} are ended, then {@code existing} is renamed to {@code keepOldAs} and this
     * database to {@code existing} in one transaction, so there is no moment without a database
     * of that name and nothing is ever dropped. Afterwards this database is kept.
     *
     * @throws RestoreTargetException nothing was renamed (the transaction rolled back); the new
     *                                database is still there under {@link #name()}
     */
    void swapInto(String existing, String keepOldAs) throws RestoreTargetException;

    /** Drops the database unless it was kept or swapped in. Never touches any other database. */
    @Override
    void close();
}
