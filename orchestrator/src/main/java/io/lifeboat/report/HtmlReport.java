package io.lifeboat.report;

import io.lifeboat.catalog.BackupOutcome;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.drills.Durations;
import io.lifeboat.drills.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One self-contained HTML page: inline CSS and inline SVG, no script, no image, font or style
 * fetched from anywhere, so it can be mailed, attached to a ticket or opened offline. A badge per
 * drill and source, the failure reasons in full, and a timeline of recent runs whose bar heights
 * are restore times (drills) or stored sizes (backups) and whose colours are outcomes. The layout
 * is one column on a phone (viewport meta, nothing wider than the screen).
 *
 * <p>Every item carries {@code data-kind}, {@code data-name} and {@code data-status} so that a
 * program (and the Chromium test) can read the page back.
 */
final class HtmlReport {
    private static final String CSS = """
            :root{--ok:#1a7f37;--failed:#cf222e;--errored:#9a6700;--overdue:#8250df;--fg:#1f2328;--muted:#656d76;--line:#d0d7de}
            *{box-sizing:border-box}
            body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#f6f8fa}
            header,main{max-width:60rem;margin:0 auto;padding:1rem}
            h1{font-size:1.4rem;margin:.2rem 0}
            h2{font-size:1.15rem;margin:1.4rem 0 .6rem}
            h3{font-size:1.05rem;margin:0 0 .4rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;overflow-wrap:anywhere}
            .meta{color:var(--muted);font-size:.9rem}
            .item{background:#fff;border:1px solid var(--line);border-left:6px solid var(--line);border-radius:8px;padding:.8rem 1rem;margin:.7rem 0}
            .item.s-OK{border-left-color:var(--ok)}.item.s-FAILED{border-left-color:var(--failed)}
            .item.s-ERRORED{border-left-color:var(--errored)}.item.s-OVERDUE{border-left-color:var(--overdue)}
            .badge{display:inline-block;color:#fff;font-weight:700;font-size:.8rem;letter-spacing:.03em;padding:.15rem .55rem;border-radius:999px}
            .badge.s-OK{background:var(--ok)}.badge.s-FAILED{background:var(--failed)}
            .badge.s-ERRORED{background:var(--errored)}.badge.s-OVERDUE{background:var(--overdue)}
            .reason{margin:.3rem 0 .6rem;overflow-wrap:anywhere;white-space:pre-wrap}
            .item.s-OK .reason{color:var(--muted)}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0 0 .6rem;font-size:.92rem}
            dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
            svg.timeline{display:block;width:100%;max-width:36rem;height:auto}
            .legend{font-size:.8rem;color:var(--muted)}
            @media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.3rem}}
            """;
    private static final int BAR_WIDTH = 14;
    private static final int BAR_GAP = 4;
    private static final int CHART_HEIGHT = 48;

    private HtmlReport() {
    }

    static String render(StatusReport r) {
        StringBuilder b = new StringBuilder(8192);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>lifeboat status: ").append(r.overall()).append("</title>\n<style>").append(CSS).append("</style>\n")
                .append("</head><body>\n<header><h1>lifeboat status <span id=\"overall\" class=\"badge s-").append(r.overall())
                .append("\">").append(r.overall()).append("</span></h1>\n<p class=\"meta\">Generated ")
                .append(esc(ReportText.when(r.generatedAt()))).append(" · a job is OVERDUE when it has not succeeded by its next"
                        + " scheduled run plus ").append(esc(Durations.describe(r.grace()))).append(".</p></header>\n<main>\n");
        b.append("<h2>Drills</h2>\n");
        if (r.drills().isEmpty()) {
            b.append("<p class=\"meta\">No drills configured: nothing proves the backups restore.</p>\n");
        }
        for (DrillStatus d : r.drills()) {
            open(b, "drill", d.drill(), d.health());
            b.append("<p class=\"reason\">").append(esc(d.reason())).append("</p>\n<dl>");
            def(b, "source", d.source());
            def(b, "last run", ReportText.lastOutcome(d) + " · " + ReportText.whenAgo(ReportText.lastRunAt(d), r.generatedAt()));
            def(b, "last passed", ReportText.whenAgo(d.lastPassAt(), r.generatedAt()));
            def(b, "backup age (RPO)", ReportText.duration(d.backupAge()));
            def(b, "restore time (RTO)", ReportText.duration(d.restoreTime()));
            def(b, "next run", ReportText.when(d.nextRun()) + " (" + d.schedule() + ")");
            def(b, "due by", ReportText.when(d.dueBy()));
            b.append("</dl>\n");
            drillTimeline(b, d);
            b.append("</section>\n");
        }
        b.append("<h2>Sources</h2>\n");
        for (SourceStatus s : r.sources()) {
            open(b, "source", s.source(), s.health());
            b.append("<p class=\"reason\">").append(esc(s.reason())).append("</p>\n<dl>");
            def(b, "last backup run", ReportText.lastOutcome(s) + " · " + ReportText.whenAgo(ReportText.lastRunAt(s), r.generatedAt()));
            def(b, "newest backup", s.lastSuccess().flatMap(BackupRecord::backupId).orElse("none"));
            def(b, "its age", ReportText.duration(s.backupAge()) + s.maxAge().map(m -> " (max " + Durations.describe(m) + ")").orElse(""));
            def(b, "stored", ReportText.bytes(ReportText.storedBytes(s)));
            def(b, "next run", ReportText.when(s.nextRun()) + s.schedule().map(c -> " (" + c + ")").orElse(" (no schedule)"));
            def(b, "due by", ReportText.when(s.dueBy()));
            b.append("</dl>\n");
            backupTimeline(b, s);
            b.append("</section>\n");
        }
        b.append("<h2>Audits</h2>\n");
        for (AuditStatus a : r.audits()) {
            open(b, "audit", a.target(), a.health());
            b.append("<p class=\"reason\">").append(esc(a.reason())).append("</p>\n<dl>");
            def(b, "last audit", a.lastOutcome() + " · " + ReportText.whenAgo(a.lastRunAt(), r.generatedAt()));
            def(b, "next run", ReportText.when(a.nextRun()) + a.schedule().map(c -> " (" + c + ")").orElse(" (no audit_schedule)"));
            def(b, "due by", ReportText.when(a.dueBy()));
            b.append("</dl>\n</section>\n");
        }
        b.append("</main></body></html>\n");
        return b.toString();
    }

    private static void open(StringBuilder b, String kind, String name, Health h) {
        b.append("<section class=\"item s-").append(h).append("\" data-kind=\"").append(kind).append("\" data-name=\"")
                .append(esc(name)).append("\" data-status=\"").append(h).append("\">\n<h3><span class=\"badge s-").append(h)
                .append("\">").append(h).append("</span> ").append(esc(name)).append("</h3>\n");
    }

    private static void def(StringBuilder b, String term, String value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>");
    }

    /** Oldest run on the left; bar height is the restore time relative to the longest shown. */
    private static void drillTimeline(StringBuilder b, DrillStatus d) {
        List<DrillRecord> runs = new ArrayList<>(d.history());
        java.util.Collections.reverse(runs);
        long max = runs.stream().mapToLong(x -> x.restoreDuration().map(Duration::toMillis).orElse(0L)).max().orElse(0);
        List<Bar> bars = new ArrayList<>();
        for (DrillRecord run : runs) {
            long ms = run.restoreDuration().map(Duration::toMillis).orElse(0L);
            bars.add(new Bar(fraction(ms, max), colour(run.outcome()), run.outcome().name(),
                    ReportText.when(run.startedAt()) + " " + run.outcome() + run.restoreDuration()
                            .map(t -> ", restore " + Durations.describe(t)).orElse("") + ": " + run.reason()));
        }
        timeline(b, bars, "drill runs, oldest first; bar height: restore time");
    }

    private static void backupTimeline(StringBuilder b, SourceStatus s) {
        List<BackupRecord> runs = new ArrayList<>(s.history());
        java.util.Collections.reverse(runs);
        long max = runs.stream().mapToLong(BackupRecord::storedBytes).max().orElse(0);
        List<Bar> bars = new ArrayList<>();
        for (BackupRecord run : runs) {
            String colour = run.outcome() == BackupOutcome.SUCCEEDED ? "#1a7f37"
                    : run.outcome() == BackupOutcome.FAILED ? "#cf222e" : "#9a6700";
            bars.add(new Bar(fraction(Math.max(0, run.storedBytes()), max), colour, run.outcome().name(),
                    ReportText.when(run.startedAt()) + " " + run.outcome() + ", " + ReportText.bytes(run.storedBytes())
                            + ": " + run.reason()));
        }
        timeline(b, bars, "backup runs, oldest first; bar height: stored size");
    }

    private record Bar(double height, String colour, String outcome, String title) {
    }

    private static void timeline(StringBuilder b, List<Bar> bars, String label) {
        if (bars.isEmpty()) {
            b.append("<p class=\"legend\">No runs recorded yet.</p>\n");
            return;
        }
        int width = Math.max(bars.size() * (BAR_WIDTH + BAR_GAP), 40);
        b.append("<svg class=\"timeline\" viewBox=\"0 0 ").append(width).append(' ').append(CHART_HEIGHT + 2)
                .append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\" style=\"max-width:")
                .append(Math.max(width * 2, 80)).append("px\">");
        int x = 0;
        for (Bar bar : bars) {
            // Failed runs without a restore time still get a visible stub.
            int h = Math.max(6, (int) Math.round(bar.height() * CHART_HEIGHT));
            b.append("<rect class=\"run\" data-outcome=\"").append(bar.outcome()).append("\" x=\"").append(x).append("\" y=\"")
                    .append(CHART_HEIGHT - h).append("\" width=\"").append(BAR_WIDTH).append("\" height=\"").append(h)
                    .append("\" rx=\"2\" fill=\"").append(bar.colour()).append("\"><title>").append(esc(bar.title()))
                    .append("</title></rect>");
            x += BAR_WIDTH + BAR_GAP;
        }
        b.append("<line x1=\"0\" y1=\"").append(CHART_HEIGHT + 1).append("\" x2=\"").append(width).append("\" y2=\"")
                .append(CHART_HEIGHT + 1).append("\" stroke=\"#d0d7de\"/></svg>\n<p class=\"legend\">")
                .append(esc(label)).append("</p>\n");
    }

    private static double fraction(long v, long max) {
        return max <= 0 ? 0 : (double) v / max;
    }

    private static String colour(Outcome o) {
        return switch (o) {
            case PASSED -> "#1a7f37";
            case FAILED -> "#cf222e";
            case ERRORED -> "#9a6700";
        };
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
