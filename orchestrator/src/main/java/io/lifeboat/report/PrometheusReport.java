package io.lifeboat.report;

import io.lifeboat.catalog.AuditOutcome;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.drills.Outcome;
import java.util.Locale;

/**
 * The node-exporter textfile format (Prometheus text exposition 0.0.4). A timestamp of 0 means
 * "never", so that an alert on {@code time() - lifeboat_drill_last_success_timestamp_seconds}
 * fires for a drill that never passed instead of staying silent.
 */
final class PrometheusReport {
    private PrometheusReport() {
    }

    static String render(StatusReport r) {
        StringBuilder b = new StringBuilder();
        header(b, "lifeboat_backup_last_success_timestamp_seconds", "Start of the newest successful backup of a source (0: never).");
        for (SourceStatus s : r.sources()) {
            sample(b, "lifeboat_backup_last_success_timestamp_seconds", "source", s.source(), null, null,
                    s.lastSuccess().map(x -> seconds(x.startedAt().toEpochMilli())).orElse("0"));
        }
        header(b, "lifeboat_backup_bytes", "Stored size of the newest successful backup of a source.");
        for (SourceStatus s : r.sources()) {
            long bytes = s.lastSuccess().map(BackupRecord::storedBytes).orElse(-1L);
            if (bytes >= 0) {
                sample(b, "lifeboat_backup_bytes", "source", s.source(), null, null, Long.toString(bytes));
            }
        }
        header(b, "lifeboat_drill_last_success_timestamp_seconds", "Start of the newest PASSED run of a drill (0: never).");
        for (DrillStatus d : r.drills()) {
            sample(b, "lifeboat_drill_last_success_timestamp_seconds", "drill", d.drill(), null, null,
                    d.lastPassAt().map(t -> seconds(t.toEpochMilli())).orElse("0"));
        }
        header(b, "lifeboat_drill_last_outcome", "1 for the outcome of the newest run of a drill, 0 for the others.");
        for (DrillStatus d : r.drills()) {
            oneHot(b, "lifeboat_drill_last_outcome", "drill", d.drill(), Outcome.values(), d.last().map(x -> x.outcome()));
        }
        header(b, "lifeboat_drill_restore_seconds", "Restore time (RTO) of the newest run of a drill.");
        for (DrillStatus d : r.drills()) {
            d.restoreTime().ifPresent(t -> sample(b, "lifeboat_drill_restore_seconds", "drill", d.drill(), null, null,
                    seconds(t.toMillis())));
        }
        header(b, "lifeboat_audit_last_outcome", "1 for the outcome of the newest audit of a target, 0 for the others.");
        for (AuditStatus a : r.audits()) {
            oneHot(b, "lifeboat_audit_last_outcome", "target", a.target(), AuditOutcome.values(), a.last().map(x -> x.outcome()));
        }
        header(b, "lifeboat_audit_last_run_timestamp_seconds", "Start of the newest audit of a target (0: never).");
        for (AuditStatus a : r.audits()) {
            sample(b, "lifeboat_audit_last_run_timestamp_seconds", "target", a.target(), null, null,
                    a.lastRunAt().map(t -> seconds(t.toEpochMilli())).orElse("0"));
        }
        header(b, "lifeboat_overdue", "1 when a drill, source or target's audit is OVERDUE in the report.");
        for (DrillStatus d : r.drills()) {
            sample(b, "lifeboat_overdue", "drill", d.drill(), null, null, d.health() == Health.OVERDUE ? "1" : "0");
        }
        for (SourceStatus s : r.sources()) {
            sample(b, "lifeboat_overdue", "source", s.source(), null, null, s.health() == Health.OVERDUE ? "1" : "0");
        }
        for (AuditStatus a : r.audits()) {
            sample(b, "lifeboat_overdue", "target", a.target(), null, null, a.health() == Health.OVERDUE ? "1" : "0");
        }
        header(b, "lifeboat_report_timestamp_seconds", "When this report was made.");
        b.append("lifeboat_report_timestamp_seconds ").append(seconds(r.generatedAt().toEpochMilli())).append('\n');
        return b.toString();
    }

    /** A sample per possible outcome: 1 for the current one, 0 for the others (all 0 when there is none). */
    private static <E extends Enum<E>> void oneHot(StringBuilder b, String name, String label, String value, E[] all,
                                                   java.util.Optional<E> current) {
        for (E o : all) {
            sample(b, name, label, value, "outcome", o.name(), current.map(c -> c == o).orElse(false) ? "1" : "0");
        }
    }

    private static void header(StringBuilder b, String name, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
    }

    private static void sample(StringBuilder b, String name, String label, String value, String label2, String value2,
                               String sample) {
        b.append(name).append('{').append(label).append("=\"").append(escape(value)).append('"');
        if (label2 != null) {
            b.append(',').append(label2).append("=\"").append(escape(value2)).append('"');
        }
        b.append("} ").append(sample).append('\n');
    }

    /** Label values escape backslash, double quote and line feed, as the exposition format says. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
