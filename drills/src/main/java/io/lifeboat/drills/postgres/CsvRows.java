package io.lifeboat.drills.postgres;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads psql's {@code --csv} output (RFC 4180: fields separated by commas, records by newlines,
 * a field with a comma, quote or line break in double quotes with quotes doubled) one record at
 * a time, so that a query returning millions of rows needs no memory for them.
 *
 * <p>psql prints SQL NULL and the empty string alike (both unquoted and empty), so the caller
 * runs psql with {@code -P null=<marker>} and passes the same marker here: an unquoted field
 * equal to it is NULL. A random marker per query cannot collide with real data by accident.
 */
final class CsvRows {

    /** Receives each record; fields are empty for SQL NULL. */
    @FunctionalInterface
    interface RecordHandler {
        void record(List<Optional<String>> fields);
    }

    private CsvRows() {
    }

    /**
     * Reads every record from {@code in}.
     *
     * @return how many records there were
     * @throws IOException when reading fails or a quoted field is not closed (a cut-off output)
     */
    static long read(Reader in, String nullMarker, RecordHandler handler) throws IOException {
        PushbackReader r = new PushbackReader(in, 1);
        List<Optional<String>> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean inRecord = false;
        long records = 0;
        while (true) {
            int c = r.read();
            if (c == -1) {
                if (inRecord) {
                    fields.add(value(field, quoted, nullMarker));
                    handler.record(List.copyOf(fields));
                    records++;
                }
                return records;
            }
            inRecord = true;
            if (c == '"' && field.length() == 0 && !quoted) {
                quoted = true;
                readQuoted(r, field);
            } else if (c == ',') {
                fields.add(value(field, quoted, nullMarker));
                field.setLength(0);
                quoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r') {
                    int next = r.read();
                    if (next != '\n' && next != -1) {
                        r.unread(next);
                    }
                }
                fields.add(value(field, quoted, nullMarker));
                handler.record(List.copyOf(fields));
                records++;
                fields.clear();
                field.setLength(0);
                quoted = false;
                inRecord = false;
            } else {
                field.append((char) c);
            }
        }
    }

    /** After an opening quote: up to the closing one, with {@code ""} standing for {@code "}. */
    private static void readQuoted(PushbackReader r, StringBuilder field) throws IOException {
        while (true) {
            int c = r.read();
            if (c == -1) {
                throw new IOException("psql output ends inside a quoted field");
            }
            if (c == '"') {
                int next = r.read();
                if (next == '"') {
                    field.append('"');
                    continue;
                }
                if (next != -1) {
                    r.unread(next);
                }
                return;
            }
            field.append((char) c);
        }
    }

    /** Java's List.copyOf refuses nulls, hence Optional for NULL. */
    private static Optional<String> value(StringBuilder field, boolean quoted, String nullMarker) {
        String s = field.toString();
        return !quoted && s.equals(nullMarker) ? Optional.empty() : Optional.of(s);
    }
}
