package io.lifeboat.drills.restore;

/**
 * A database that is already on the target server, as a restore plan shows it.
 *
 * @param name   its name
 * @param bytes  its size on disk as the server reports it
 * @param tables the number of user tables in it
 */
public record ExistingDatabase(String name, long bytes, int tables) {
}
