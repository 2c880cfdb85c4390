package io.lifeboat.drills.postgres;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** psql's CSV as psql prints it (see the contract suite for the same against a live psql). */
class CsvRowsTest {

    static List<List<Optional<String>>> read(String csv) throws IOException {
        List<List<Optional<String>>> rows = new ArrayList<>();
        long n = CsvRows.read(new StringReader(csv), "NUL", rows::add);
        assertEquals(rows.size(), n);
        return rows;
    }

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaks() throws IOException {
        assertEquals(List.of(List.of(Optional.of("a,b"), Optional.of("x\"y"), Optional.of("l1\nl2"), Optional.of("plain"))),
                read("\"a,b\",\"x\"\"y\",\"l1\nl2\",plain\n"));
    }

    @Test
    void theMarkerIsNullUnlessQuoted() throws IOException {
        assertEquals(List.of(List.of(Optional.empty(), Optional.of(""), Optional.of("NUL"))), read("NUL,,\"NUL\"\n"));
    }

    @Test
    void anEmptyLineIsOneEmptyValueAndNoOutputIsNoRows() throws IOException {
        assertEquals(List.of(List.of(Optional.of(""))), read("\n"));
        assertEquals(List.of(), read(""));
        assertEquals(List.of(List.of(Optional.of("1")), List.of(Optional.of("2"))), read("1\r\n2"));
    }

    @Test
    void anOutputCutInsideAQuoteIsAnError() {
        assertThrows(IOException.class, () -> read("\"never closed\n"));
    }

    @Test
    void versionStringsGiveTheirMajor() {
        assertEquals(15, PostgresClient.majorOf("15.20").orElseThrow());
        assertEquals(16, PostgresClient.majorOf("16.4 (Debian 16.4-1.pgdg120+1)").orElseThrow());
        assertEquals(9, PostgresClient.majorOf("9.6.24").orElseThrow());
        assertEquals(17, PostgresClient.majorOf("17beta2").orElseThrow());
        assertEquals(true, PostgresClient.majorOf("MariaDB").isEmpty());
        assertEquals(true, PostgresClient.majorOf(null).isEmpty());
    }
}
