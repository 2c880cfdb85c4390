package io.lifeboat.drills.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * The first row of a query's result, as text the way the database's own client prints it
 * ({@code t}/{@code f} become {@code true}/{@code false}; SQL NULL is an empty Optional).
 *
 * @param columns values of the first row; empty when the query returned no row
 * @param rows    how many rows the query returned
 */
public record QueryResult(List<Optional<String>> columns, long rows) {
    public QueryResult {
        columns = List.copyOf(columns);
    }

    /** The first column of the first row, or empty for no row or NULL. */
    public Optional<String> value() {
        return columns.isEmpty() ? Optional.empty() : columns.get(0);
    }
}
