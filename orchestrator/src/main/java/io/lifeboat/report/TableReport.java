package io.lifeboat.report;

import java.util.Locale;

/** Aligned columns for a terminal: the status first, then the facts, then the reason. */
final class TableReport {
    private TableReport() {
    }

    static String render(StatusReport r) {
        StringBuilder b = new StringBuilder();
        b.append("lifeboat status ").append(r.overall()).append(" at ").append(ReportText.when(r.generatedAt())).append('\n');
        String row = "%-8s %-24s %-10s %-20s %-9s %-9s %-18s %s%n";
        b.append('\n').append(String.format(Locale.ROOT, row, "STATUS", "DRILL", "LAST", "WHEN", "RPO", "RTO", "NEXT", "REASON"));
        for (DrillStatus d : r.drills()) {
            b.append(String.format(Locale.ROOT, row, d.health(), d.drill(), ReportText.lastOutcome(d),
                    ReportText.when(ReportText.lastRunAt(d)), ReportText.duration(d.backupAge()),
                    ReportText.duration(d.restoreTime()), ReportText.when(d.nextRun()), d.reason()));
        }
        if (r.drills().isEmpty()) {
            b.append("(no drills configured)\n");
        }
        b.append('\n').append(String.format(Locale.ROOT, row, "STATUS", "SOURCE", "LAST", "WHEN", "AGE", "SIZE", "NEXT", "REASON"));
        for (SourceStatus s : r.sources()) {
            b.append(String.format(Locale.ROOT, row, s.health(), s.source(), ReportText.lastOutcome(s),
                    ReportText.when(ReportText.lastRunAt(s)), ReportText.duration(s.backupAge()),
                    ReportText.bytes(ReportText.storedBytes(s)), ReportText.when(s.nextRun()), s.reason()));
        }
        String auditRow = "%-8s %-24s %-10s %-20s %-18s %s%n";
        b.append('\n').append(String.format(Locale.ROOT, auditRow, "STATUS", "TARGET", "AUDIT", "WHEN", "NEXT", "WORST FINDING"));
        for (AuditStatus a : r.audits()) {
            b.append(String.format(Locale.ROOT, auditRow, a.health(), a.target(), a.lastOutcome(), ReportText.when(a.lastRunAt()),
                    ReportText.when(a.nextRun()), a.reason()));
        }
        return b.toString();
    }
}
