package io.lifeboat.drills.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration's {@code expect:} texts. */
class ExpectationTest {

    @ParameterizedTest(name = "{0} / {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            ">= 1000       | 1000      | true",
            ">= 1000       | 998       | false",
            ">=1000        | 1000.0    | true",
            "<= 5          | 5         | true",
            "<= 5          | 5.01      | false",
            "> 0           | 0         | false",
            "> 0           | 1e-9      | true",
            "< -1          | -2        | true",
            ">= 10         | abc       | false",
            ">= 10         | NaN       | false",
            "= 1000        | 1000.00   | true",
            "= 1000        | 1000.5    | false",
            "= paid        | paid      | true",
            "= paid        | Paid      | false",
            "= two words   | two words | true",
            "true          | true      | true",
            "true          | t         | true",
            "TRUE          | false     | false",
            "false         | f         | true",
            "false         | 0         | false",
            "between 1 and 3     | 1   | true",
            "between 1 and 3     | 3   | true",
            "between 1 and 3     | 3.5 | false",
            "BETWEEN -1.5 AND 2  | 0   | true",
            "matches /[0-9]+/    | 123 | true",
            "matches /[0-9]+/    | a123 | false",
            "matches /.*abc.*/   | xxabcxx | true",
            "matches /(?i)abc/   | ABC | true",
            "matches /a/b/       | a/b | true",
    })
    void judgesValues(String text, String value, boolean met) {
        assertEquals(met, Expectation.parse(text).isMetBy(value), text + " on " + value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            ">=1000 | >= 1000",
            "  <  2.50 | < 2.50",
            "=  paid  | = paid",
            "True | true",
            "between 1 and 3 | between 1 and 3",
            "matches /^x$/ | matches /^x$/",
    })
    void describesItselfInCanonicalForm(String text, String described) {
        assertEquals(described, Expectation.parse(text).describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yes", ">= ", ">= many", "=", "== 3", "between 3 and 1", "between 1 and x",
            "between 1", "matches abc", "matches /abc/i", "matches /(/", "1000", "!= 3"})
    void refusesAnythingElseNamingTheTextAndTheForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Expectation.parse(text));
        assertTrue(e.getMessage().startsWith("not a valid expectation: \"" + text + "\""), e.getMessage());
        assertTrue(e.getMessage().contains(Expectation.ACCEPTED_FORMS), e.getMessage());
    }

    @Test
    void theSameTextIsTheSameExpectation() {
        assertEquals(Expectation.parse("matches /a+/"), Expectation.parse("matches /a+/"));
        assertEquals(Expectation.parse(">= 3"), Expectation.parse(">=3"));
    }
}
