package io.lifeboat.engine.postgres;

/** The escaping rules of libpq's password file: {@code :} and {@code \} are backslash-escaped. */
final class PgPass {
    private PgPass() {
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }
}
