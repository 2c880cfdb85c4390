package io.lifeboat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.catalog.BackupOutcome;
import io.lifeboat.catalog.BackupRecord;
import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.DrillRecord;
import io.lifeboat.catalog.RunOrigin;
import io.lifeboat.drills.Outcome;
import io.lifeboat.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lifeboat report} through the real command on a seeded H2 catalog: every state an item
 * can be in (OK, FAILED, OVERDUE for a silent drill, a drill that never ran, a stale backup, a
 * failed backup), exit codes 0/1/2/3, and every text format parsed back (JSON with Jackson,
 * Prometheus with the parser in {@link PrometheusText}, Markdown tables). HTML is
 * {@link HtmlReportChromiumTest}'s (the audit rows' HTML is parsed here as text).
 */
class ReportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant MORNING_AUDIT = Instant.parse("2026-11-24T03:30:00Z");
    private ReportFixture fixture;

    @AfterEach
    void cleanUp() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private Cli.Run report(String format) {
        return Cli.run(fixture.app, "--config", fixture.config.toString(), "report", "--format", format);
    }

    @Test
    void jsonSaysWhatIsWrongWithEachItemAndExitsOne() throws Exception {
        fixture = new ReportFixture("report-json", false);
        Cli.Run run = report("json");
        assertEquals(1, run.exitCode(), run.all());
        JsonNode doc = JSON.readTree(run.out());
        assertEquals("FAILED", doc.get("status").asText());
        assertEquals(ReportFixture.NOW.toString(), doc.get("generated_at").asText());
        Map<String, JsonNode> drills = byName(doc.get("drills"), "drill");
        assertEquals("OK", drills.get("shop-daily").get("status").asText());
        assertEquals("PASSED", drills.get("shop-daily").get("last_outcome").asText());
        assertEquals(30.0, drills.get("shop-daily").get("restore_seconds").asDouble());
        assertEquals(600.0, drills.get("shop-daily").get("backup_age_seconds").asDouble());
        assertEquals(7, drills.get("shop-daily").get("history").size());
        Instant next = Instant.parse(drills.get("shop-daily").get("next_run_at").asText());
        assertTrue(next.isAfter(ReportFixture.NOW) && next.isBefore(ReportFixture.NOW.plusSeconds(86_400 + 3600)), next.toString());

        assertEquals("OVERDUE", drills.get("shop-stale").get("status").asText());
        assertTrue(drills.get("shop-stale").get("reason").asText().contains("has not passed within the grace period"));
        assertEquals("OVERDUE", drills.get("shop-never").get("status").asText());
        assertEquals("NEVER_RUN", drills.get("shop-never").get("last_outcome").asText());
        assertTrue(drills.get("shop-never").get("reason").asText().startsWith("never ran"));
        assertTrue(drills.get("shop-never").get("last_pass_at").isNull());
        assertEquals("FAILED", drills.get("shop-failing").get("status").asText());
        assertTrue(drills.get("shop-failing").get("reason").asText().startsWith("checksum mismatch"));

        Map<String, JsonNode> sources = byName(doc.get("sources"), "source");
        assertEquals("OK", sources.get("shop").get("status").asText());
        assertEquals(1_000_000, sources.get("shop").get("stored_bytes").asLong());
        assertEquals(9 * 3600.0, sources.get("shop").get("backup_age_seconds").asDouble());
        assertEquals("OVERDUE", sources.get("stale").get("status").asText());
        assertTrue(sources.get("stale").get("reason").asText().contains("max_backup_age 26h"), sources.get("stale").toString());
        assertEquals("FAILED", sources.get("broken").get("status").asText());
        assertTrue(sources.get("broken").get("reason").asText().startsWith("pg_dump: error"));
    }

    /**
     * The newest passing run and the newest successful backup are taken from the timeline when it
     * has one; when more failures than the timeline holds follow the last success, the catalog is
     * asked, and the answer is the same.
     */
    @Test
    void aSuccessOlderThanTheTimelineIsStillFound() throws Exception {
        fixture = new ReportFixture("report-old-pass", false);
        Catalog catalog = fixture.app.catalog(fixture.app.loadConfig(fixture.config));
        Instant yesterday = Instant.parse("2026-11-23T03:00:00Z");
        for (int i = 1; i <= StatusReports.HISTORY + 5; i++) {
            Instant t = yesterday.plusSeconds(60L * i);
            catalog.recordDrill(new DrillRecord("shop-failing", "shop", "fail-" + i, Optional.empty(), Outcome.FAILED, "fail " + i,
                    t, t.plusSeconds(1), Optional.empty(), Optional.empty(), RunOrigin.SCHEDULE, "test"));
            catalog.recordBackup(new BackupRecord("broken", Optional.empty(), BackupOutcome.FAILED, "fail " + i, t, t.plusSeconds(1),
                    -1, -1, Optional.empty(), RunOrigin.SCHEDULE, "test"));
        }
        JsonNode doc = JSON.readTree(report("json").out());
        JsonNode drill = byName(doc.get("drills"), "drill").get("shop-failing");
        assertEquals(StatusReports.HISTORY, drill.get("history").size());
        assertTrue(StreamSupport.stream(drill.get("history").spliterator(), false)
                .noneMatch(r -> r.get("outcome").asText().equals("PASSED")), drill.toString());
        // the fixture's pass of the day before; 25 failures follow it, then this morning's
        assertEquals("2026-11-23T03:00:00Z", drill.get("last_pass_at").asText());
        assertEquals("FAILED", drill.get("status").asText());
        JsonNode source = byName(doc.get("sources"), "source").get("broken");
        assertEquals(StatusReports.HISTORY, source.get("history").size());
        assertEquals("2026-11-23T03:00:00Z", source.get("last_success_at").asText());
        assertTrue(source.get("backup_id").asText().startsWith("20261123T030000Z-"), source.toString());
    }

    /** Two runs that started in the same second: the one recorded later is the newer. */
    @Test
    void ofTwoRunsStartedTogetherTheLaterRecordedIsTheLast() throws Exception {
        fixture = new ReportFixture("report-tie", false);
        Catalog catalog = fixture.app.catalog(fixture.app.loadConfig(fixture.config));
        Instant t = Instant.parse("2026-11-24T03:00:00Z");
        catalog.recordDrill(new DrillRecord("shop-stale", "shop", "tie-failed", Optional.empty(), Outcome.FAILED, "first",
                t, t.plusSeconds(1), Optional.empty(), Optional.empty(), RunOrigin.SCHEDULE, "test"));
        catalog.recordDrill(new DrillRecord("shop-stale", "shop", "tie-passed", Optional.empty(), Outcome.PASSED, "second",
                t, t.plusSeconds(1), Optional.empty(), Optional.empty(), RunOrigin.SCHEDULE, "test"));
        JsonNode drill = byName(JSON.readTree(report("json").out()).get("drills"), "drill").get("shop-stale");
        assertEquals("OK", drill.get("status").asText(), drill.toString());
        assertEquals("tie-passed", drill.get("history").get(0).get("run_id").asText());
        assertEquals("tie-failed", drill.get("history").get(1).get("run_id").asText());
        assertEquals(t.toString(), drill.get("last_pass_at").asText());
    }

    @Test
    void everythingOkExitsZeroInEveryFormat() throws Exception {
        fixture = new ReportFixture("report-ok", true);
        for (ReportFormat f : ReportFormat.values()) {
            Cli.Run run = report(f.name());
            assertEquals(0, run.exitCode(), f + ": " + run.all());
        }
        assertEquals("OK", JSON.readTree(report("json").out()).get("status").asText());
        assertTrue(report("table").out().startsWith("lifeboat status OK"));
    }

    @Test
    void prometheusTextParsesWithTheMetricsTheIssueNames() {
        fixture = new ReportFixture("report-prom", false);
        Cli.Run run = report("prometheus");
        assertEquals(1, run.exitCode(), run.all());
        List<PrometheusText.Sample> samples = PrometheusText.parse(run.out());
        long morning = Instant.parse("2026-11-24T03:00:00Z").getEpochSecond();
        assertEquals(morning, PrometheusText.value(samples, "lifeboat_backup_last_success_timestamp_seconds", Map.of("source", "shop")));
        assertEquals(1_000_000, PrometheusText.value(samples, "lifeboat_backup_bytes", Map.of("source", "shop")));
        assertEquals(morning + 600, PrometheusText.value(samples, "lifeboat_drill_last_success_timestamp_seconds",
                Map.of("drill", "shop-daily")));
        assertEquals(0, PrometheusText.value(samples, "lifeboat_drill_last_success_timestamp_seconds", Map.of("drill", "shop-never")));
        assertEquals(1, PrometheusText.value(samples, "lifeboat_drill_last_outcome", Map.of("drill", "shop-failing", "outcome", "FAILED")));
        assertEquals(0, PrometheusText.value(samples, "lifeboat_drill_last_outcome", Map.of("drill", "shop-failing", "outcome", "PASSED")));
        assertEquals(41, PrometheusText.value(samples, "lifeboat_drill_restore_seconds", Map.of("drill", "shop-failing")));
        assertEquals(1, PrometheusText.value(samples, "lifeboat_overdue", Map.of("drill", "shop-never")));
        assertEquals(1, PrometheusText.value(samples, "lifeboat_overdue", Map.of("source", "stale")));
        assertEquals(0, PrometheusText.value(samples, "lifeboat_overdue", Map.of("source", "shop")));
    }

    @Test
    void markdownAndTableShowEveryItemWithItsStatus() {
        fixture = new ReportFixture("report-md", false);
        String md = report("markdown").out();
        assertTrue(md.startsWith("# lifeboat status: **FAILED**"), md);
        Map<String, String> rows = new HashMap<>();
        markdownRows(md).forEach((name, cells) -> {
            assertTrue(cells.size() == 10 || cells.size() == 9 || cells.size() == 7, cells.toString());
            rows.put(name, cells.get(1));
        });
        Map<String, String> expected = new HashMap<>(Map.of("shop-daily", "**OK**", "shop-stale", "**OVERDUE**",
                "shop-failing", "**FAILED**", "shop-never", "**OVERDUE**", "shop", "**OK**", "stale", "**OVERDUE**", "broken", "**FAILED**"));
        expected.putAll(Map.of("vault", "**OK**", "audit-stale", "**OVERDUE**", "audit-failing", "**FAILED**",
                "audit-never", "**OVERDUE**"));
        assertEquals(expected, rows);
        String table = report("table").out();
        assertTrue(table.contains("OVERDUE  shop-never"), table);
        assertTrue(table.contains("FAILED   broken"), table);
    }

    @Test
    void outputFileIsWrittenAndExitCodesFollowTheContract() throws Exception {
        fixture = new ReportFixture("report-out", false);
        Path page = fixture.dirs.dir.resolve("status.html");
        Cli.Run run = Cli.run(fixture.app, "--config", fixture.config.toString(), "report", "--format", "html", "--output",
                page.toString());
        assertEquals(1, run.exitCode(), run.all());
        assertEquals("", run.out());
        assertTrue(Files.readString(page).contains("data-status=\"OVERDUE\""));

        Path bad = fixture.dirs.dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(fixture.config).replace("schedule:", "schedul:"));
        assertEquals(2, Cli.run(fixture.app, "--config", bad.toString(), "report").exitCode());
        assertEquals(2, Cli.run(fixture.app, "--config", fixture.config.toString(), "report", "--format", "xml").exitCode());

        Path unreachable = fixture.dirs.dir.resolve("unreachable.yaml");
        Files.writeString(unreachable, Files.readString(fixture.config)
                + "catalog: { url: \"jdbc:postgresql://127.0.0.1:1/lifeboat\", user: lifeboat }\n");
        Cli.Run down = Cli.run(fixture.app, "--config", unreachable.toString(), "report");
        assertEquals(3, down.exitCode(), down.all());
        assertTrue(down.err().contains("cannot open the catalog"), down.err());

        Cli.Run help = Cli.run("report", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("Exit codes:") && help.out().contains("prometheus"), help.out());
    }

    /**
     * JSON is indented for a person at a terminal and on one line for a program; both are the same
     * document. The terminal is real: the report runs in a JVM of its own, once under
     * {@code script} (a pseudo-terminal) and once into a pipe.
     */
    @Test
    void jsonIsIndentedOnATerminalAndOneLineIntoAPipe() throws Exception {
        fixture = new ReportFixture("report-tty", false);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", java, "-cp", System.getProperty("java.class.path"), "io.lifeboat.cli.Main",
                "--config", fixture.config.toString(), "report", "--format", "json");
        String piped = run(List.of("bash", "-c", command));
        String onTerminal = run(List.of("script", "-qec", command, "/dev/null")).replace("\r\n", "\n");
        assertEquals(1, piped.strip().lines().count(), "one line into a pipe");
        assertTrue(onTerminal.lines().count() > 50 && onTerminal.contains("\n  \"drills\" : ["), onTerminal);
        // the same document either way; the processes run on the real clock a moment apart, so
        // what is said relative to now (ages of backups, "109h56m ago" in a reason) may differ
        JsonNode a = JSON.readTree(piped);
        JsonNode b = JSON.readTree(onTerminal);
        for (JsonNode doc : List.of(a, b)) {
            doc.get("drills").forEach(d -> ((com.fasterxml.jackson.databind.node.ObjectNode) d).remove(List.of("reason", "next_run_at")));
        }
        assertEquals(a.get("drills"), b.get("drills"));
        assertEquals(a.get("sources").size(), b.get("sources").size());
        for (int i = 0; i < a.get("sources").size(); i++) {
            assertEquals(a.get("sources").get(i).get("history"), b.get("sources").get(i).get("history"));
        }
    }

    /** Runs a report process; its standard output. */
    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the report did not end");
        assertEquals(1, p.exitValue(), "the fixture has FAILED and OVERDUE items: " + err);
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The sources' runs are read on a second thread: a failure there is still the report's, exit 3
     * with the catalog's reason, not a hang or a report with the sources missing.
     */
    @Test
    void aCatalogThatFailsWhileTheSourcesRunsAreReadExitsThreeWithTheReason() throws Exception {
        fixture = new ReportFixture("report-broken-read", false);
        try (Connection c = fixture.app.catalog(fixture.app.loadConfig(fixture.config)).database().connect();
             Statement s = c.createStatement()) {
            s.execute("ALTER TABLE lifeboat_recent_backup_run RENAME TO lifeboat_recent_backup_run_moved");
        }
        Cli.Run run = Cli.run(fixture.app, "--config", fixture.config.toString(), "report", "--format", "json");
        assertEquals(3, run.exitCode(), run.all());
        assertEquals("", run.out(), "no half report");
        assertTrue(run.err().contains("cannot read recent backup runs in the catalog")
                && run.err().contains("LIFEBOAT_RECENT_BACKUP_RUN"), run.err());
    }

    // ---- audits (issue 5 item 6): vault WARN this morning over a FAIL the day before (OK), audit-stale
    // audited four days ago on a daily audit_schedule (OVERDUE), audit-failing FAIL, audit-never scheduled, never run.

    @Test
    void jsonHasTheNewestAuditOfEachTarget() throws Exception {
        fixture = new ReportFixture("report-audit-json", false);
        Cli.Run run = report("json");
        assertEquals(1, run.exitCode(), run.all());
        Map<String, JsonNode> audits = new HashMap<>();
        JSON.readTree(run.out()).get("audits").forEach(n -> audits.put(n.get("target").asText(), n));
        assertEquals(4, audits.size(), audits.toString());

        JsonNode vault = audits.get("vault");
        assertEquals("OK", vault.get("status").asText());
        assertEquals("WARN", vault.get("last_outcome").asText());
        assertEquals(MORNING_AUDIT.toString(), vault.get("last_run_at").asText());
        assertTrue(vault.get("reason").asText().startsWith("WARN writer account"), vault.toString());
        assertEquals(ReportFixture.DAILY, vault.get("audit_schedule").asText());
        assertEquals("SCHEDULE", vault.get("origin").asText());

        assertEquals("OVERDUE", audits.get("audit-stale").get("status").asText());
        assertEquals("PASS", audits.get("audit-stale").get("last_outcome").asText());
        assertTrue(audits.get("audit-stale").get("reason").asText().contains("has not run within the grace period"));
        assertEquals("FAILED", audits.get("audit-failing").get("status").asText());
        assertTrue(audits.get("audit-failing").get("audit_schedule").isNull());
        assertTrue(audits.get("audit-failing").get("reason").asText().startsWith("FAIL target blast-radius"));
        assertEquals("OVERDUE", audits.get("audit-never").get("status").asText());
        assertEquals("NEVER_RUN", audits.get("audit-never").get("last_outcome").asText());
        assertTrue(audits.get("audit-never").get("last_run_at").isNull());
    }

    @Test
    void prometheusHasOutcomeAndLastRunPerTarget() {
        fixture = new ReportFixture("report-audit-prom", false);
        Cli.Run run = report("prometheus");
        assertEquals(1, run.exitCode(), run.all());
        List<PrometheusText.Sample> samples = PrometheusText.parse(run.out());
        assertEquals(1, PrometheusText.value(samples, "lifeboat_audit_last_outcome", Map.of("target", "vault", "outcome", "WARN")));
        assertEquals(0, PrometheusText.value(samples, "lifeboat_audit_last_outcome", Map.of("target", "vault", "outcome", "FAIL")));
        assertEquals(1, PrometheusText.value(samples, "lifeboat_audit_last_outcome",
                Map.of("target", "audit-failing", "outcome", "FAIL")));
        assertEquals(0, PrometheusText.value(samples, "lifeboat_audit_last_outcome",
                Map.of("target", "audit-never", "outcome", "PASS")));
        assertEquals(MORNING_AUDIT.getEpochSecond(), PrometheusText.value(samples, "lifeboat_audit_last_run_timestamp_seconds",
                Map.of("target", "vault")));
        assertEquals(0, PrometheusText.value(samples, "lifeboat_audit_last_run_timestamp_seconds", Map.of("target", "audit-never")));
        assertEquals(1, PrometheusText.value(samples, "lifeboat_overdue", Map.of("target", "audit-stale")));
        assertEquals(0, PrometheusText.value(samples, "lifeboat_overdue", Map.of("target", "vault")));
    }

    @Test
    void markdownTableAndHtmlShowEachTargetsAudit() {
        fixture = new ReportFixture("report-audit-text", false);
        String md = report("markdown").out();
        String section = md.substring(md.indexOf("## Audits"));
        Map<String, List<String>> rows = new HashMap<>();
        markdownRows(section).forEach((name, cells) -> {
            assertEquals(7, cells.size(), cells.toString());
            rows.put(name, List.of(cells.get(1), cells.get(3), cells.get(4), cells.get(6)));
        });
        assertEquals(List.of("**OK**", "WARN", "2026-11-24 03:30Z", "WARN writer account: the endpoint cannot tell (unknown)"),
                rows.get("vault"));
        assertEquals("**FAILED**", rows.get("audit-failing").get(0));
        assertEquals("**OVERDUE**", rows.get("audit-stale").get(0));
        assertEquals(List.of("**OVERDUE**", "NEVER_RUN", "-"), rows.get("audit-never").subList(0, 3));

        String table = report("table").out();
        assertTrue(table.contains("STATUS   TARGET"), table);
        assertTrue(table.contains("OK       vault                    WARN       2026-11-24 03:30Z"), table);
        assertTrue(table.contains("FAILED   audit-failing            FAIL"), table);
        assertTrue(table.contains("OVERDUE  audit-never              NEVER_RUN"), table);

        String html = report("html").out();
        Matcher m = Pattern.compile("<section class=\"item s-(\\w+)\" data-kind=\"audit\" data-name=\"([^\"]+)\" data-status=\"(\\w+)\">"
                + "(.*?)</section>", Pattern.DOTALL).matcher(html);
        Map<String, String> status = new HashMap<>();
        Map<String, String> bodies = new HashMap<>();
        while (m.find()) {
            status.put(m.group(2), m.group(3));
            bodies.put(m.group(2), m.group(4));
        }
        assertEquals(Map.of("vault", "OK", "audit-stale", "OVERDUE", "audit-failing", "FAILED", "audit-never", "OVERDUE"), status);
        assertTrue(bodies.get("audit-failing").contains("file:// target &lt;inside&gt; the blast radius &amp; &quot;reachable&quot;"),
                bodies.get("audit-failing"));
        assertTrue(bodies.get("vault").contains("WARN · 2026-11-24 03:30Z"), bodies.get("vault"));
    }

    @Test
    void aFailedAuditAloneMakesTheReportExitOne() throws Exception {
        fixture = new ReportFixture("report-audit-exit", true);
        assertEquals(0, report("json").exitCode());
        fixture.app.catalog(fixture.app.loadConfig(fixture.config)).recordAudit(new io.lifeboat.catalog.AuditRecord("vault",
                io.lifeboat.catalog.AuditOutcome.FAIL, "FAIL writer delete: was allowed", ReportFixture.NOW.minusSeconds(60),
                ReportFixture.NOW.minusSeconds(55), io.lifeboat.catalog.RunOrigin.CLI, "test:1"));
        Cli.Run run = report("json");
        assertEquals(1, run.exitCode(), run.all());
        assertEquals("FAILED", JSON.readTree(run.out()).get("status").asText());
    }

    /** Each item row of the Markdown tables, by its name (third cell), as stripped cells. */
    private static Map<String, List<String>> markdownRows(String md) {
        Map<String, List<String>> rows = new HashMap<>();
        for (String line : md.split("\n")) {
            if (line.startsWith("| **")) {
                // Escaped pipes stay inside their cell: split on unescaped ones only.
                List<String> cells = java.util.Arrays.stream(line.split("(?<!\\\\)\\|")).map(String::strip).toList();
                rows.put(cells.get(2), cells);
            }
        }
        return rows;
    }

    private static Map<String, JsonNode> byName(JsonNode array, String key) {
        Map<String, JsonNode> m = new HashMap<>();
        array.forEach(n -> m.put(n.get(key).asText(), n));
        assertNotNull(m);
        assertFalse(m.isEmpty());
        return m;
    }
}
