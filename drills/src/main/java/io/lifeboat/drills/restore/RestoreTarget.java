package io.lifeboat.drills.restore;

import java.util.Optional;

/**
 * One database server that a backup is restored onto for real (the source's own server, by
 * default), as opposed to a drill's throwaway sandbox. Each engine implements it; callers never
 * branch on the engine.
 *
 * <p>The contract protects what is already there: {@link #createNew} only ever creates a
 * database that did not exist (it fails rather than reuse one), and the only operation that
 * touches an existing database is {@link NewDatabase#swapInto}, which renames it and never drops it.
 */
public interface RestoreTarget {

    /** Engine, host and port, for plans and messages. Never contains secrets. */
    String describe();

    /**
     * What is there now under {@code database}, if anything. Read-only: a plan calls it.
     *
     * @throws RestoreTargetException the server could not be asked
     */
    Optional<ExistingDatabase> inspect(String database) throws RestoreTargetException;

    /**
     * Creates an empty database {@code database} to restore into. It must not exist yet.
     *
     * @param backupServerVersion the server version the backup was taken from (picks the tools)
     * @param ownership           who owns the restored objects, and whether the backup's grants come back
     * @throws RestoreTargetException it exists already, or could not be created
     */
    NewDatabase createNew(String database, String backupServerVersion, Ownership ownership) throws RestoreTargetException;

    /** What a restore with {@code ownership} does with owners, definers and grants on this server, as a plan says it. */
    String ownershipNote(Ownership ownership);

    /**
     * Why this server cannot put a restored database in the place of an existing one
     * ({@link NewDatabase#swapInto}), if it cannot; a plan that asks for it is refused with this.
     */
    default Optional<String> cannotReplace() {
        return Optional.empty();
    }
}
