package io.lifeboat.drills.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A database's own settings ({@code ALTER DATABASE d SET ...}, and {@code ALTER ROLE r IN DATABASE
 * d SET ...}) as statements for another database. No dump of a database holds them, and an
 * application whose database sets {@code search_path} finds none of its tables without it, so
 * {@code restore --replace} gives them to the database it swaps in.
 *
 * <p>The catalog keeps each as {@code name=value}, the value as PostgreSQL prints it. Most are
 * given back as one string literal; the few list settings whose elements are quoted as
 * identifiers ({@code search_path} and its kind) are split into their elements first, as
 * {@code pg_dump} does: {@code '"$user", public'} as a single literal would be one schema named
 * {@code "$user", public}.
 */
final class DatabaseSettings {
    /** PostgreSQL's variable_is_guc_list_quote (src/bin/pg_dump/dumputils.c, PostgreSQL 15). */
    private static final Set<String> LIST_QUOTED = Set.of("local_preload_libraries", "search_path",
            "session_preload_libraries", "shared_preload_libraries", "temp_tablespaces", "unix_socket_directories");

    private DatabaseSettings() {
    }

    /**
     * One statement, ending in {@code "; "}.
     *
     * @param role     the role the setting is for, an identifier already quoted; empty: every role
     * @param database the database to give it to, an identifier already quoted
     * @param entry    {@code name=value} as {@code pg_db_role_setting.setconfig} holds it
     */
    static String statement(String role, String database, String entry) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("not a name=value setting: " + entry);
        }
        String name = entry.substring(0, eq);
        String value = entry.substring(eq + 1);
        String rendered;
        if (LIST_QUOTED.contains(name.toLowerCase(Locale.ROOT))) {
            List<String> elements = splitList(value);
            rendered = elements.isEmpty() ? "''" : String.join(", ", elements.stream().map(ServerSandbox::literal).toList());
        } else {
            rendered = ServerSandbox.literal(value);
        }
        return (role.isEmpty() ? "ALTER DATABASE " + database : "ALTER ROLE " + role + " IN DATABASE " + database)
                + " SET " + PrivatePostgresCluster.quoteIdentifier(name) + " TO " + rendered + "; ";
    }

    /**
     * PostgreSQL's SplitGUCList: elements separated by commas, each bare or in double quotes
     * (a doubled quote inside stands for one), blanks around them ignored; bare ones keep their case.
     */
    static List<String> splitList(String value) {
        List<String> elements = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (true) {
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return elements;
            }
            StringBuilder element = new StringBuilder();
            if (value.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quote in list setting: " + value);
                    }
                    char c = value.charAt(i++);
                    if (c == '"') {
                        if (i < n && value.charAt(i) == '"') {
                            element.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        element.append(c);
                    }
                }
            } else {
                while (i < n && value.charAt(i) != ',' && !Character.isWhitespace(value.charAt(i))) {
                    element.append(value.charAt(i++));
                }
            }
            elements.add(element.toString());
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            if (i < n) {
                if (value.charAt(i) != ',') {
                    throw new IllegalArgumentException("not a list setting: " + value);
                }
                i++;
            }
        }
    }
}
