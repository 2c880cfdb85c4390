package io.lifeboat.drills.postgres;

/** The dump formats PostgreSQL sandboxes restore, as manifests name them. */
final class PostgresDumpFormats {

    /** {@code pg_dump --format=custom}: what the orchestrator's PostgreSQL engine writes. */
    static final String CUSTOM = "pg_dump-custom";

    private PostgresDumpFormats() {
    }

    /** @throws IllegalArgumentException for any other format: lifeboat cannot restore it, which says nothing of the backup */
    static void requireRestorable(String dumpFormat) {
        if (!CUSTOM.equals(dumpFormat)) {
            throw new IllegalArgumentException("a PostgreSQL sandbox restores " + CUSTOM + " dumps, not '"
                    + dumpFormat + "'");
        }
    }
}
