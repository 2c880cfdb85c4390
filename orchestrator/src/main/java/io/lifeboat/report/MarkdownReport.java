package io.lifeboat.report;

/** GitHub-flavoured Markdown: a heading with the overall status and one table per kind. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String render(StatusReport r) {
        StringBuilder b = new StringBuilder();
        b.append("# lifeboat status: **").append(r.overall()).append("**\n\n");
        b.append("Generated ").append(ReportText.when(r.generatedAt())).append("; grace period ")
                .append(ReportText.duration(java.util.Optional.of(r.grace()))).append(".\n\n");
        b.append("## Drills\n\n");
        b.append("| status | drill | source | last run | when | backup age (RPO) | restore time (RTO) | next run | reason |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (DrillStatus d : r.drills()) {
            b.append("| **").append(d.health()).append("** | ").append(cell(d.drill())).append(" | ").append(cell(d.source()))
                    .append(" | ").append(ReportText.lastOutcome(d)).append(" | ").append(ReportText.when(ReportText.lastRunAt(d)))
                    .append(" | ").append(ReportText.duration(d.backupAge())).append(" | ")
                    .append(ReportText.duration(d.restoreTime())).append(" | ").append(ReportText.when(d.nextRun()))
                    .append(" | ").append(cell(d.reason())).append(" |\n");
        }
        b.append("\n## Sources\n\n");
        b.append("| status | source | last backup run | when | newest backup age | stored | next run | reason |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (SourceStatus s : r.sources()) {
            b.append("| **").append(s.health()).append("** | ").append(cell(s.source())).append(" | ")
                    .append(ReportText.lastOutcome(s)).append(" | ").append(ReportText.when(ReportText.lastRunAt(s))).append(" | ")
                    .append(ReportText.duration(s.backupAge())).append(" | ").append(ReportText.bytes(ReportText.storedBytes(s)))
                    .append(" | ").append(ReportText.when(s.nextRun())).append(" | ").append(cell(s.reason())).append(" |\n");
        }
        b.append("\n## Audits\n\n");
        b.append("| status | target | last audit | when | next run | worst finding |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (AuditStatus a : r.audits()) {
            b.append("| **").append(a.health()).append("** | ").append(cell(a.target())).append(" | ").append(a.lastOutcome())
                    .append(" | ").append(ReportText.when(a.lastRunAt())).append(" | ").append(ReportText.when(a.nextRun()))
                    .append(" | ").append(cell(a.reason())).append(" |\n");
        }
        return b.toString();
    }

    /** A table cell: pipes escaped, line breaks flattened, so a reason never breaks the table. */
    static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
