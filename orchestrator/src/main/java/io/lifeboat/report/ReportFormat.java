package io.lifeboat.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.function.Function;

/** The formats {@code lifeboat report --format} prints; each renders the whole report as one document. */
public enum ReportFormat {
    /** Aligned columns for a terminal. */
    table(TableReport::render),
    /** One JSON document for programs and agents; indented only for a terminal. */
    json(JsonReport::render) {
        @Override
        public void write(StatusReport report, Writer out, boolean terminal) {
            JsonReport.write(report, out, terminal);
        }
    },
    /** Tables for a ticket, a wiki page or a pull request. */
    markdown(MarkdownReport::render),
    /** One self-contained page: inline CSS and SVG, no fetches, readable on a phone. */
    html(HtmlReport::render),
    /** node-exporter textfile metrics. */
    prometheus(PrometheusReport::render);

    private final Function<StatusReport, String> renderer;

    ReportFormat(Function<StatusReport, String> renderer) {
        this.renderer = renderer;
    }

    public String render(StatusReport report) {
        return renderer.apply(report);
    }

    /**
     * Writes the document to {@code out} (JSON as it is produced: it is the large one) and flushes.
     *
     * @param terminal whether a person reads {@code out} on a terminal (JSON is then indented)
     */
    public void write(StatusReport report, Writer out, boolean terminal) {
        try {
            out.write(render(report));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
