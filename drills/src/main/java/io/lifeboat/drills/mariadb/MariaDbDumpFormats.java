package io.lifeboat.drills.mariadb;

/** The dump formats MariaDB sandboxes restore. */
public final class MariaDbDumpFormats {

    /** Plain SQL from {@code mariadb-dump}/{@code mysqldump}, restored by piping it into the client. */
    public static final String SQL = "mariadb-dump-sql";

    private MariaDbDumpFormats() {
    }

    /**
     * @throws IllegalArgumentException for any other format: a lifeboat limitation (this sandbox
     *                                  cannot restore it), not a bad backup
     */
    static void requireRestorable(String format) {
        if (!SQL.equals(format)) {
            throw new IllegalArgumentException("a MariaDB sandbox restores dump format " + SQL + ", not '" + format + "'");
        }
    }
}
