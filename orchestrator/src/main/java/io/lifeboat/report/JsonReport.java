package io.lifeboat.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.catalog.RunOrigin;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One JSON document: times ISO-8601 UTC, durations in seconds, absent values null.
 *
 * <p>Written field by field to the output as it goes: over a thousand drills and sources the
 * document is about 12 MB, and building it as a tree first, then as one string, held it three
 * times over in the heap and cost more than the catalog queries.
 */
final class JsonReport {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonReport() {
    }

    static String render(StatusReport r) {
        StringWriter out = new StringWriter();
        write(r, out, false);
        return out.toString();
    }

    /**
     * Writes the document to {@code out} and flushes it; does not close it.
     *
     * @param indented indented for a person at a terminal; otherwise on one line, for programs:
     *                 a quarter fewer bytes over a thousand items, and 30 ms less of a report
     */
    static void write(StatusReport r, Writer out, boolean indented) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (indented) {
                g.useDefaultPrettyPrinter();
            }
            write(r, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(StatusReport r, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("generated_at", r.generatedAt().toString());
        g.writeStringField("status", r.overall().name());
        g.writeNumberField("grace_seconds", r.grace().toSeconds());
        g.writeArrayFieldStart("drills");
        for (DrillStatus d : r.drills()) {
            g.writeStartObject();
            g.writeStringField("drill", d.drill());
            g.writeStringField("source", d.source());
            g.writeStringField("status", d.health().name());
            g.writeStringField("reason", d.reason());
            g.writeStringField("schedule", d.schedule());
            g.writeStringField("last_outcome", ReportText.lastOutcome(d));
            time(g, "last_run_at", ReportText.lastRunAt(d));
            time(g, "last_pass_at", d.lastPassAt());
            seconds(g, "backup_age_seconds", d.backupAge());
            seconds(g, "restore_seconds", d.restoreTime());
            time(g, "next_run_at", d.nextRun());
            time(g, "due_by", d.dueBy());
            g.writeArrayFieldStart("history");
            for (DrillRecord run : d.history()) {
                g.writeStartObject();
                g.writeStringField("run_id", run.runId());
                span(g, run.outcome().name(), run.startedAt(), run.finishedAt());
                text(g, "backup_id", run.backupId());
                seconds(g, "backup_age_seconds", run.backupAge());
                seconds(g, "restore_seconds", run.restoreDuration());
                endRun(g, run.reason(), run.origin());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("sources");
        for (SourceStatus s : r.sources()) {
            g.writeStartObject();
            g.writeStringField("source", s.source());
            g.writeStringField("status", s.health().name());
            g.writeStringField("reason", s.reason());
            text(g, "schedule", s.schedule());
            g.writeStringField("last_outcome", ReportText.lastOutcome(s));
            time(g, "last_run_at", ReportText.lastRunAt(s));
            time(g, "last_success_at", s.lastSuccess().map(BackupRecord::startedAt));
            text(g, "backup_id", s.lastSuccess().flatMap(BackupRecord::backupId));
            seconds(g, "backup_age_seconds", s.backupAge());
            seconds(g, "max_backup_age_seconds", s.maxAge());
            long stored = ReportText.storedBytes(s);
            if (stored < 0) {
                g.writeNullField("stored_bytes");
            } else {
                g.writeNumberField("stored_bytes", stored);
            }
            time(g, "next_run_at", s.nextRun());
            time(g, "due_by", s.dueBy());
            g.writeArrayFieldStart("history");
            for (BackupRecord run : s.history()) {
                g.writeStartObject();
                text(g, "backup_id", run.backupId());
                span(g, run.outcome().name(), run.startedAt(), run.finishedAt());
                g.writeNumberField("stored_bytes", run.storedBytes());
                endRun(g, run.reason(), run.origin());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("audits");
        for (AuditStatus a : r.audits()) {
            g.writeStartObject();
            g.writeStringField("target", a.target());
            g.writeStringField("status", a.health().name());
            g.writeStringField("reason", a.reason());
            text(g, "audit_schedule", a.schedule());
            g.writeStringField("last_outcome", a.lastOutcome());
            time(g, "last_run_at", a.lastRunAt());
            text(g, "origin", a.last().map(x -> x.origin().name()));
            time(g, "next_run_at", a.nextRun());
            time(g, "due_by", a.dueBy());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A timeline entry's outcome and times. */
    private static void span(JsonGenerator g, String outcome, Instant started, Instant finished) throws IOException {
        g.writeStringField("outcome", outcome);
        g.writeStringField("started_at", iso(started));
        g.writeStringField("finished_at", iso(finished));
    }

    /** A timeline entry's last fields, and its end. */
    private static void endRun(JsonGenerator g, String reason, RunOrigin origin) throws IOException {
        g.writeStringField("reason", reason);
        g.writeStringField("origin", origin.name());
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String key, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(key, value.get());
        } else {
            g.writeNullField(key);
        }
    }

    private static void time(JsonGenerator g, String key, Optional<Instant> t) throws IOException {
        text(g, key, t.map(JsonReport::iso));
    }

    /**
     * Exactly {@link Instant#toString()} (UTC, the fraction in groups of three digits, as many as
     * needed), without the general formatter: over 2,000 items the report writes some 80,000
     * times, and the formatter was a fifth of the JSON's cost.
     */
    private static final long FIRST_FOUR_DIGIT_YEAR = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST_FOUR_DIGIT_YEAR = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    static String iso(Instant t) {
        if (t.getEpochSecond() < FIRST_FOUR_DIGIT_YEAR || t.getEpochSecond() > LAST_FOUR_DIGIT_YEAR) {
            return t.toString();   // signs and wider years: the rare case keeps the general code
        }
        // the civil date of the epoch day (H. Hinnant's days_from_civil inverse, the proleptic
        // Gregorian calendar java.time uses): no LocalDateTime per time, which was about a tenth of the
        // report's allocations in a JFR sample
        long days = Math.floorDiv(t.getEpochSecond(), 86_400L);
        int secondOfDay = (int) Math.floorMod(t.getEpochSecond(), 86_400L);
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long dayOfEra = z - era * 146_097L;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder b = new StringBuilder(30).append(year);
        two(two(two(two(two(b.append('-'), month).append('-'), day).append('T'), secondOfDay / 3_600)
                .append(':'), secondOfDay / 60 % 60).append(':'), secondOfDay % 60);
        int nano = t.getNano();
        if (nano != 0) {
            int digits = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
            String fraction = Integer.toString(nano + 1_000_000_000).substring(1, 1 + digits);
            b.append('.').append(fraction);
        }
        return b.append('Z').toString();
    }

    private static StringBuilder two(StringBuilder b, int value) {
        return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static void seconds(JsonGenerator g, String key, Optional<Duration> d) throws IOException {
        if (d.isPresent()) {
            g.writeNumberField(key, d.get().toMillis() / 1000.0);
        } else {
            g.writeNullField(key);
        }
    }
}
