package io.lifeboat.catalog;

import java.time.Instant;

/**
 * One audit of one target in the catalog.
 *
 * @param target     the target's name
 * @param outcome    PASS, WARN, FAIL or ERRORED
 * @param worst      the worst finding, in words (or what stopped the audit)
 * @param startedAt  start of the audit
 * @param finishedAt its end
 * @param origin     what started it
 * @param node       host and process that recorded it
 */
public record AuditRecord(String target, AuditOutcome outcome, String worst, Instant startedAt, Instant finishedAt,
                          RunOrigin origin, String node) {
}
