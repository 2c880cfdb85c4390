package io.lifeboat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The value checkers the loader uses, on plain strings. */
class ConfigValueSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"0 0 * * * ?", "0 0 3 ? * MON-FRI", "0 15 10 L * ?", "0 0 12 ? * 6#3", "0 0/5 14,18 * * ?",
            "0 0 0 1 JAN,jul ? 2030", "0 0 3 LW * ?", "0 0 3 15W * ?", "0 0 3 ? * 6L", "0 0 3 ? * FRIL", "  0 0 3 * * ?  "})
    void validQuartzExpressionsPass(String expression) {
        assertEquals(Optional.empty(), QuartzCronSyntax.check(expression));
    }

    @Test
    void quartzDefectsSayWhatIsWrong() {
        assertEquals("'0 0 3 * * * * *' has 8 fields; Quartz cron has 6 or 7",
                QuartzCronSyntax.check("0 0 3 * * * * *").orElseThrow().message());
        assertEquals("'0 0 3 ? * ?' has ? in both day-of-month and day-of-week",
                QuartzCronSyntax.check("0 0 3 ? * ?").orElseThrow().message());
        assertEquals("the seconds field 'x' of 'x 0 3 * * ?' has characters Quartz does not accept there",
                QuartzCronSyntax.check("x 0 3 * * ?").orElseThrow().message());
        assertEquals("the month field of '0 0 3 ? JUNE *' has 'JUNE', which is not a month name",
                QuartzCronSyntax.check("0 0 3 ? JUNE *").orElseThrow().message());
        assertEquals("the cron expression is empty", QuartzCronSyntax.check(" ").orElseThrow().message());
        // A Unix expression with a day of week is not converted: the day numbers differ.
        assertEquals("add a seconds field in front and put ? in day-of-month or day-of-week (Quartz numbers days of"
                        + " the week 1-7 from Sunday, Unix cron 0-6), e.g. \"0 0 3 * * ?\" runs every day at 03:00:00",
                QuartzCronSyntax.check("0 3 * * 1").orElseThrow().hint());
    }

    @Test
    void byteSizesUseBinaryUnits() {
        assertEquals(OptionalLong.of(16L * 1024 * 1024), ByteSize.parse("16MiB"));
        assertEquals(OptionalLong.of(5L * 1024 * 1024), ByteSize.parse("5 MiB"));
        assertEquals(OptionalLong.of(1024), ByteSize.parse("1KiB"));
        assertEquals(OptionalLong.of(2L * 1024 * 1024 * 1024), ByteSize.parse("2GiB"));
        assertEquals(OptionalLong.of(8388608), ByteSize.parse("8388608"));
        for (String bad : List.of("16MB", "16mib", "1.5MiB", "-1MiB", "", "MiB", "16 M", "99999999999999MiB")) {
            assertEquals(OptionalLong.empty(), ByteSize.parse(bad), bad);
        }
        assertEquals("16MiB", ByteSize.format(16L * 1024 * 1024));
        assertEquals("1GiB", ByteSize.format(1024L * 1024 * 1024));
        assertEquals("1500B", ByteSize.format(1500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lifeboat-backups", "backups.2024", "a.b-c", "abc", "x23456789012345678901234567890123456789012345678901234567890123"})
    void validBucketNamesPass(String name) {
        assertEquals(Optional.empty(), S3BucketName.check(name));
    }

    @Test
    void invalidBucketNamesSayWhy() {
        assertEquals("'ab' is 2 characters long", S3BucketName.check("ab").orElseThrow().message());
        assertEquals("'-backups' must start and end with a letter or digit", S3BucketName.check("-backups").orElseThrow().message());
        assertEquals("'my..bucket' has two dots in a row", S3BucketName.check("my..bucket").orElseThrow().message());
        assertEquals("'10.0.0.1' looks like an IP address, which S3 does not allow as a bucket name",
                S3BucketName.check("10.0.0.1").orElseThrow().message());
        assertEquals("'xn--bucket' starts with 'xn--', which S3 reserves", S3BucketName.check("xn--bucket").orElseThrow().message());
        assertEquals("'data-s3alias' ends with '-s3alias', which S3 reserves", S3BucketName.check("data-s3alias").orElseThrow().message());
        assertEquals("'my_bucket' has characters not allowed in a bucket name", S3BucketName.check("my_bucket").orElseThrow().message());
        assertEquals(true, S3BucketName.check("my_bucket").orElseThrow().hint().startsWith("underscores are not allowed"));
    }

    @Test
    void didYouMeanPicksTheClosestAllowedWord() {
        List<String> keys = List.of("engine", "host", "port", "database", "user", "password_file", "sslmode", "target", "schedule");
        assertEquals(Optional.of("host"), DidYouMean.closest("hsot", keys));
        assertEquals(Optional.of("sslmode"), DidYouMean.closest("ssl_mode", keys));
        assertEquals(Optional.of("password_file"), DidYouMean.closest("passwordfile", keys));
        assertEquals(Optional.of("host"), DidYouMean.closest("HOST", keys));
        assertEquals(Optional.empty(), DidYouMean.closest("colour", keys));
        assertEquals(Optional.empty(), DidYouMean.closest("x", List.of("y")));
        assertEquals(1, DidYouMean.distance("ab", "ba"));
        assertEquals(3, DidYouMean.distance("kitten", "sitting"));
    }

    @Test
    void quotedValuesAreShortEscapedAndNeverAPrivateKey() {
        assertEquals("'a\\tb\\n'", ProblemList.quote("a\tb\n"));
        assertEquals("'" + "x".repeat(80) + "...'", ProblemList.quote("x".repeat(100)));
        assertEquals("'" + "x".repeat(80) + "'", ProblemList.quote("x".repeat(80)));
        assertEquals("(a value that looks like an age private key, not shown)",
                ProblemList.quote("prefix age-secret-key-1abc"));
    }

    @Test
    void durationsInEveryAcceptedForm() {
        assertEquals(Duration.ofSeconds(90), DurationSyntax.parse("90s"));
        assertEquals(Duration.ofMinutes(30), DurationSyntax.parse("30m"));
        assertEquals(Duration.ofHours(26), DurationSyntax.parse("26h"));
        assertEquals(Duration.ofDays(7), DurationSyntax.parse("7d"));
        assertEquals(Duration.ofMillis(500), DurationSyntax.parse("500ms"));
        assertEquals(Duration.ofMinutes(90), DurationSyntax.parse("1h30m"));
        assertEquals(Duration.ofMillis(1_500), DurationSyntax.parse("1s500ms"));
        assertEquals(Duration.ofHours(36).plusSeconds(5), DurationSyntax.parse("1d12h5s"));
        assertEquals(Duration.ofHours(26), DurationSyntax.parse("PT26H"));
        assertEquals(Duration.ofDays(2), DurationSyntax.parse("p2d"));
        assertEquals(Duration.ZERO, DurationSyntax.parse("0s"), "zero parses; the loader refuses it per setting");
        assertEquals(Duration.ofDays(999_999_999L), DurationSyntax.parse("999999999d"));
    }

    @Test
    void durationDefectsQuoteTheValueAndListTheForms() {
        Defect bare = DurationSyntax.check("26").orElseThrow();
        assertEquals("'26' has no unit", bare.message());
        assertTrue(bare.hint().startsWith("add a unit: 26s, 26m, 26h or 26d; write it like 500ms, 90s, 30m, 26h, 7d"), bare.hint());
        assertEquals("'-5m' is negative", DurationSyntax.check("-5m").orElseThrow().message());
        assertEquals("'PT-5M' is negative", DurationSyntax.check("PT-5M").orElseThrow().message());
        assertEquals("'30m1h' is not a duration", DurationSyntax.check("30m1h").orElseThrow().message());
        assertEquals("'PT26' is not a duration", DurationSyntax.check("PT26").orElseThrow().message());
        assertEquals("the duration is empty", DurationSyntax.check(" ").orElseThrow().message());
        assertTrue(DurationSyntax.check("1h1h").isPresent());
        assertTrue(DurationSyntax.check("1.5h").orElseThrow().hint().startsWith("did you mean 1h30m? "));
        assertTrue(DurationSyntax.check("26H").orElseThrow().hint().startsWith("did you mean 26h? "));
        assertTrue(DurationSyntax.check("30min").orElseThrow().hint().startsWith("did you mean 30m? "));
        assertTrue(DurationSyntax.check("2 weeks").orElseThrow().hint().startsWith("did you mean 14d? "));
        assertTrue(DurationSyntax.check("1h 30m").orElseThrow().hint().startsWith("did you mean 1h30m? "));
        assertTrue(DurationSyntax.check("1.5").orElseThrow().hint().startsWith("add a unit: 26s, 26m, 26h or 26d;"));
        for (String bad : List.of("h", "1x", "1.5.5h", "1000000000d", "1h-30m", "10:30")) {
            assertTrue(DurationSyntax.check(bad).isPresent(), bad);
        }
    }

    @Test
    void durationsFormatBackIntoTheirShortestForm() {
        assertEquals("1h30m", DurationSyntax.format(Duration.ofMinutes(90)));
        assertEquals("26h", DurationSyntax.format(Duration.ofHours(26)));
        assertEquals("7d", DurationSyntax.format(Duration.ofDays(7)));
        assertEquals("36h5s", DurationSyntax.format(Duration.ofHours(36).plusSeconds(5)));
        assertEquals("500ms", DurationSyntax.format(Duration.ofMillis(500)));
        assertEquals("0s", DurationSyntax.format(Duration.ZERO));
        assertEquals("PT0.000001S", DurationSyntax.format(Duration.ofNanos(1_000)));
        for (String text : List.of("1m30s", "1h30m", "7d", "26h", "1s500ms")) {
            assertEquals(text, DurationSyntax.format(DurationSyntax.parse(text)));
        }
    }

    @Test
    void percentagesBecomeFractions() {
        assertEquals(0.0, Percentage.fraction("0%"));
        assertEquals(0.025, Percentage.fraction("2.5%"));
        assertEquals(1.0, Percentage.fraction("100%"));
        assertEquals(0.001, Percentage.fraction("0.1 %"));
        assertEquals("'150%' is over 100%", Percentage.check("150%").orElseThrow().message());
        assertEquals("'100.5%' is over 100%", Percentage.check("100.5%").orElseThrow().message());
        assertEquals("'-1%' is negative", Percentage.check("-1%").orElseThrow().message());
        assertEquals("'5' has no percent sign", Percentage.check("5").orElseThrow().message());
        assertTrue(Percentage.check("0.05").orElseThrow().hint().startsWith("write 0.05% if you mean 0.05 percent"));
        assertEquals("'five%' is not a percentage", Percentage.check("five%").orElseThrow().message());
    }
}
