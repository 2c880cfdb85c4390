package io.lifeboat.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.catalog.RunOrigin;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
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

    /*
     * The keys of the timeline entries, quoted once: the report writes some 300,000 of them over
     * 2,000 items, and quoting and escaping each key anew was a quarter of the JSON's cost.
     */
    private static final SerializableString RUN_ID = new SerializedString("run_id");
    private static final SerializableString BACKUP_ID = new SerializedString("backup_id");
    private static final SerializableString BACKUP_AGE_SECONDS = new SerializedString("backup_age_seconds");
    private static final SerializableString RESTORE_SECONDS = new SerializedString("restore_seconds");
    private static final SerializableString STORED_BYTES = new SerializedString("stored_bytes");
    private static final SerializableString OUTCOME = new SerializedString("outcome");
    private static final SerializableString STARTED_AT = new SerializedString("started_at");
    private static final SerializableString FINISHED_AT = new SerializedString("finished_at");
    private static final SerializableString REASON = new SerializedString("reason");
    private static final SerializableString ORIGIN = new SerializedString("origin");

    private JsonReport() {
    }

    static String render(StatusReport r) {
        StringWriter out = new StringWriter();
        write(r, out);
        return out.toString();
    }

    /** Writes the document to {@code out} and flushes it; does not close it. */
    static void write(StatusReport r, Writer out) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
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
                g.writeFieldName(RUN_ID);
                g.writeString(run.runId());
                span(g, run.outcome().name(), run.startedAt(), run.finishedAt());
                text(g, BACKUP_ID, run.backupId());
                seconds(g, BACKUP_AGE_SECONDS, run.backupAge());
                seconds(g, RESTORE_SECONDS, run.restoreDuration());
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
                text(g, BACKUP_ID, run.backupId());
                span(g, run.outcome().name(), run.startedAt(), run.finishedAt());
                g.writeFieldName(STORED_BYTES);
                g.writeNumber(run.storedBytes());
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
        g.writeFieldName(OUTCOME);
        g.writeString(outcome);
        g.writeFieldName(STARTED_AT);
        g.writeString(iso(started));
        g.writeFieldName(FINISHED_AT);
        g.writeString(iso(finished));
    }

    /** A timeline entry's last fields, and its end. */
    private static void endRun(JsonGenerator g, String reason, RunOrigin origin) throws IOException {
        g.writeFieldName(REASON);
        g.writeString(reason);
        g.writeFieldName(ORIGIN);
        g.writeString(origin.name());
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String key, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(key, value.get());
        } else {
            g.writeNullField(key);
        }
    }

    private static void text(JsonGenerator g, SerializableString key, Optional<String> value) throws IOException {
        g.writeFieldName(key);
        if (value.isPresent()) {
            g.writeString(value.get());
        } else {
            g.writeNull();
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

    private static final long SECONDS_PER_DAY = 86_400;

    /** A day and its "yyyy-mm-ddT": a report's times fall on a few days, mostly one after another. */
    private record Day(long epochDay, String prefix) {
    }

    /** The day {@link #iso} wrote last (immutable, so threads may share it; a race only costs a recomputation). */
    private static volatile Day lastDay;

    static String iso(Instant t) {
        if (t.getEpochSecond() < FIRST_FOUR_DIGIT_YEAR || t.getEpochSecond() > LAST_FOUR_DIGIT_YEAR) {
            return t.toString();   // signs and wider years: the rare case keeps the general code
        }
        long epochDay = Math.floorDiv(t.getEpochSecond(), SECONDS_PER_DAY);
        int second = (int) Math.floorMod(t.getEpochSecond(), SECONDS_PER_DAY);
        Day day = lastDay;
        if (day == null || day.epochDay() != epochDay) {
            day = new Day(epochDay, LocalDate.ofEpochDay(epochDay) + "T");
            lastDay = day;
        }
        StringBuilder b = new StringBuilder(30).append(day.prefix());
        two(two(two(b, second / 3600).append(':'), second / 60 % 60).append(':'), second % 60);
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

    private static void seconds(JsonGenerator g, SerializableString key, Optional<Duration> d) throws IOException {
        g.writeFieldName(key);
        if (d.isPresent()) {
            g.writeNumber(seconds(d.get().toMillis()));
        } else {
            g.writeNull();
        }
    }

    /**
     * Exactly {@link Double#toString(double)} of {@code millis / 1000.0}, which is what the
     * generator writes for that double, without the general algorithm: the timeline has some
     * 40,000 such numbers, and their conversion was a seventh of the JSON's cost. Below 10^7
     * seconds a number of milliseconds has at most 10 significant digits, so its shortest
     * decimal is the plain one: whole seconds, a point, the milliseconds without trailing zeros
     * (at least one digit). Negative and larger values keep the general code.
     */
    static String seconds(long millis) {
        if (millis < 0 || millis >= 10_000_000_000L) {
            return Double.toString(millis / 1000.0);
        }
        int fraction = (int) (millis % 1000);
        StringBuilder b = new StringBuilder(16).append(millis / 1000).append('.');
        if (fraction == 0) {
            return b.append('0').toString();
        }
        b.append((char) ('0' + fraction / 100));
        if (fraction % 100 != 0) {
            b.append((char) ('0' + fraction / 10 % 10));
            if (fraction % 10 != 0) {
                b.append((char) ('0' + fraction % 10));
            }
        }
        return b.toString();
    }
}
