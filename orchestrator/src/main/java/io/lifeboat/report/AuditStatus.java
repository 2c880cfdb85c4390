package io.lifeboat.report;

import io.lifeboat.catalog.AuditRecord;
import java.time.Instant;
import java.util.Optional;

/**
 * One target's audit in the report.
 *
 * @param target   the target's name
 * @param health   FAILED for a FAIL, ERRORED for an audit that could not finish, OVERDUE for a
 *                 scheduled audit that is late (or never ran), else OK (a WARN is OK: its finding is the reason)
 * @param reason   the worst finding of the newest audit, or why it is OVERDUE
 * @param schedule the target's {@code audit_schedule}, if it has one
 * @param last     the newest audit, if any
 * @param nextRun  the schedule's next fire time
 * @param dueBy    when it turns OVERDUE unless an audit runs before
 */
public record AuditStatus(String target, Health health, String reason, Optional<String> schedule, Optional<AuditRecord> last,
                          Optional<Instant> nextRun, Optional<Instant> dueBy) {

    /** PASS, WARN, FAIL, ERRORED or NEVER_RUN. */
    public String lastOutcome() {
        return last.map(a -> a.outcome().name()).orElse("NEVER_RUN");
    }

    public Optional<Instant> lastRunAt() {
        return last.map(AuditRecord::startedAt);
    }
}
