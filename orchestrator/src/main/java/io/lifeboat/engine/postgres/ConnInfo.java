package io.lifeboat.engine.postgres;

import io.lifeboat.config.SourceConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A libpq connection string for the dump tool. It holds the passfile's path, never the
 * password, so it may appear in argv (where every user of the machine can read it).
 */
final class ConnInfo {
    private ConnInfo() {
    }

    static String of(SourceConfig source, Optional<Path> passfile) {
        return "host=" + quote(source.host())
                + " port=" + source.port()
                + " dbname=" + quote(source.database())
                + " user=" + quote(source.user())
                + " sslmode=" + quote(source.sslMode())
                + " connect_timeout=" + Math.max(1, source.connectTimeout().toSeconds())
                + passfile.map(p -> " passfile=" + quote(p.toString())).orElse("")
                + " application_name=lifeboat-pg_dump";
    }

    /** libpq quoting: single quotes, with backslash escaping {@code '} and {@code \}. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
