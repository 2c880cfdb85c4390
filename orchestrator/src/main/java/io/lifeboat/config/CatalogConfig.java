package io.lifeboat.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the catalog (backup and drill runs, job locks, trigger requests) and the scheduler's job
 * store live: an H2 file in the state directory unless the file names a PostgreSQL database,
 * which is what a cluster of {@code serve} nodes shares.
 *
 * @param jdbcUrl      {@code jdbc:h2:file:...} or {@code jdbc:postgresql://...}; never holds a password
 * @param user         login role (PostgreSQL); empty for the H2 default
 * @param passwordFile the password alone on its first line, mode 0600; empty for none
 */
public record CatalogConfig(String jdbcUrl, Optional<String> user, Optional<Path> passwordFile) {

    /** The H2 file used when the configuration has no {@code catalog:} section. */
    public static CatalogConfig inStateDir(Path stateDir) {
        return new CatalogConfig("jdbc:h2:file:" + stateDir.resolve("lifeboat"), Optional.empty(), Optional.empty());
    }

    public boolean isPostgres() {
        return jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }
}
