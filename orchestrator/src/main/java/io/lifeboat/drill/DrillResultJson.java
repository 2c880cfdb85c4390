package io.lifeboat.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.drills.DrillResult;
import io.lifeboat.drills.StepResult;
import io.lifeboat.drills.check.CheckResult;

/**
 * A drill result as JSON: what {@code drill run --format json} prints, what is persisted per run
 * and what the webhook receives (plus a Slack-compatible {@code text}). Durations are seconds.
 */
public final class DrillResultJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DrillResultJson() {
    }

    public static ObjectNode toJson(DrillResult r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("drill", r.drill());
        n.put("run_id", r.runId());
        r.backupId().ifPresentOrElse(id -> n.put("backup_id", id), () -> n.putNull("backup_id"));
        n.put("outcome", r.outcome().name());
        n.put("reason", r.reason());
        n.put("started_at", r.startedAt().toString());
        n.put("finished_at", r.finishedAt().toString());
        r.backupAge().ifPresentOrElse(d -> n.put("backup_age_seconds", seconds(d)), () -> n.putNull("backup_age_seconds"));
        r.restoreDuration().ifPresentOrElse(d -> n.put("restore_seconds", seconds(d)), () -> n.putNull("restore_seconds"));
        n.put("sandbox", r.sandbox());
        ArrayNode steps = n.putArray("steps");
        for (StepResult s : r.steps()) {
            ObjectNode o = steps.addObject();
            o.put("name", s.name());
            o.put("status", s.status().name());
            o.put("seconds", seconds(s.duration()));
            o.put("detail", s.detail());
        }
        ArrayNode checks = n.putArray("checks");
        for (CheckResult c : r.checks()) {
            ObjectNode o = checks.addObject();
            o.put("name", c.name());
            o.put("status", c.status().name());
            o.put("reason", c.reason());
            c.observed().ifPresentOrElse(v -> o.put("observed", v), () -> o.putNull("observed"));
            o.put("seconds", seconds(c.duration()));
        }
        ArrayNode warnings = n.putArray("warnings");
        r.warnings().forEach(warnings::add);
        return n;
    }

    public static String write(DrillResult r) {
        try {
            return MAPPER.writeValueAsString(toJson(r));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double seconds(java.time.Duration d) {
        return d.toNanos() / 1_000_000L / 1000.0;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
