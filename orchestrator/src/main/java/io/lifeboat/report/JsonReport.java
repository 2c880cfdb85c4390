package io.lifeboat.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.DrillRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** One JSON document: times ISO-8601 UTC, durations in seconds, absent values null. */
final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    static String render(StatusReport r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("generated_at", r.generatedAt().toString());
        root.put("status", r.overall().name());
        root.put("grace_seconds", r.grace().toSeconds());
        ArrayNode drills = root.putArray("drills");
        for (DrillStatus d : r.drills()) {
            ObjectNode n = drills.addObject();
            n.put("drill", d.drill());
            n.put("source", d.source());
            n.put("status", d.health().name());
            n.put("reason", d.reason());
            n.put("schedule", d.schedule());
            n.put("last_outcome", ReportText.lastOutcome(d));
            time(n, "last_run_at", ReportText.lastRunAt(d));
            time(n, "last_pass_at", d.lastPassAt());
            seconds(n, "backup_age_seconds", d.backupAge());
            seconds(n, "restore_seconds", d.restoreTime());
            time(n, "next_run_at", d.nextRun());
            time(n, "due_by", d.dueBy());
            ArrayNode h = n.putArray("history");
            for (DrillRecord run : d.history()) {
                ObjectNode o = h.addObject();
                o.put("run_id", run.runId());
                o.put("outcome", run.outcome().name());
                o.put("started_at", run.startedAt().toString());
                o.put("finished_at", run.finishedAt().toString());
                run.backupId().ifPresentOrElse(id -> o.put("backup_id", id), () -> o.putNull("backup_id"));
                seconds(o, "backup_age_seconds", run.backupAge());
                seconds(o, "restore_seconds", run.restoreDuration());
                o.put("reason", run.reason());
                o.put("origin", run.origin().name());
            }
        }
        ArrayNode sources = root.putArray("sources");
        for (SourceStatus s : r.sources()) {
            ObjectNode n = sources.addObject();
            n.put("source", s.source());
            n.put("status", s.health().name());
            n.put("reason", s.reason());
            s.schedule().ifPresentOrElse(c -> n.put("schedule", c), () -> n.putNull("schedule"));
            n.put("last_outcome", ReportText.lastOutcome(s));
            time(n, "last_run_at", ReportText.lastRunAt(s));
            time(n, "last_success_at", s.lastSuccess().map(BackupRecord::startedAt));
            s.lastSuccess().flatMap(BackupRecord::backupId).ifPresentOrElse(id -> n.put("backup_id", id), () -> n.putNull("backup_id"));
            seconds(n, "backup_age_seconds", s.backupAge());
            seconds(n, "max_backup_age_seconds", s.maxAge());
            long stored = ReportText.storedBytes(s);
            if (stored < 0) {
                n.putNull("stored_bytes");
            } else {
                n.put("stored_bytes", stored);
            }
            time(n, "next_run_at", s.nextRun());
            time(n, "due_by", s.dueBy());
            ArrayNode h = n.putArray("history");
            for (BackupRecord run : s.history()) {
                ObjectNode o = h.addObject();
                run.backupId().ifPresentOrElse(id -> o.put("backup_id", id), () -> o.putNull("backup_id"));
                o.put("outcome", run.outcome().name());
                o.put("started_at", run.startedAt().toString());
                o.put("finished_at", run.finishedAt().toString());
                o.put("stored_bytes", run.storedBytes());
                o.put("reason", run.reason());
                o.put("origin", run.origin().name());
            }
        }
        ArrayNode audits = root.putArray("audits");
        for (AuditStatus a : r.audits()) {
            ObjectNode n = audits.addObject();
            n.put("target", a.target());
            n.put("status", a.health().name());
            n.put("reason", a.reason());
            a.schedule().ifPresentOrElse(c -> n.put("audit_schedule", c), () -> n.putNull("audit_schedule"));
            n.put("last_outcome", a.lastOutcome());
            time(n, "last_run_at", a.lastRunAt());
            a.last().ifPresentOrElse(x -> n.put("origin", x.origin().name()), () -> n.putNull("origin"));
            time(n, "next_run_at", a.nextRun());
            time(n, "due_by", a.dueBy());
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void time(ObjectNode n, String key, Optional<Instant> t) {
        t.ifPresentOrElse(i -> n.put(key, i.toString()), () -> n.putNull(key));
    }

    private static void seconds(ObjectNode n, String key, Optional<Duration> d) {
        d.ifPresentOrElse(v -> n.put(key, v.toMillis() / 1000.0), () -> n.putNull(key));
    }
}
