package io.lifeboat.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The whole report.
 *
 * @param generatedAt when it was made (ages and OVERDUE are judged at this instant)
 * @param grace       how late a job may be before it is OVERDUE
 * @param drills      every configured drill, in file order
 * @param sources     every configured source, in file order
 * @param audits      every configured target's newest audit, in file order
 */
public record StatusReport(Instant generatedAt, Duration grace, List<DrillStatus> drills, List<SourceStatus> sources,
                           List<AuditStatus> audits) {
    public StatusReport {
        drills = List.copyOf(drills);
        sources = List.copyOf(sources);
        audits = List.copyOf(audits);
    }

    /** The worst health of any item; OK for an empty configuration. */
    public Health overall() {
        Health h = Health.OK;
        for (DrillStatus d : drills) {
            h = h.worst(d.health());
        }
        for (SourceStatus s : sources) {
            h = h.worst(s.health());
        }
        for (AuditStatus a : audits) {
            h = h.worst(a.health());
        }
        return h;
    }
}
