package io.lifeboat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.testing.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTML report as a browser shows it: Debian's Chromium, headless, loads the page with every
 * network request refused and dumps the DOM it built; the test reads back each item's badge and
 * status, the failure reasons (escaped, so a reason holding markup shows as text), the timeline
 * bars, and that the page is no wider than a phone's screen. A screenshot at phone size is kept
 * under {@code target/report-artifacts/} for a person to look at.
 */
class HtmlReportChromiumTest {
    private static final Path ARTIFACTS = Path.of("target", "report-artifacts").toAbsolutePath();
    private static final Pattern ITEM = Pattern.compile(
            "<section class=\"item s-(\\w+)\" data-kind=\"(\\w+)\" data-name=\"([^\"]+)\" data-status=\"(\\w+)\">(.*?)</section>",
            Pattern.DOTALL);

    private ReportFixture fixture;

    @AfterEach
    void cleanUp() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void chromiumShowsABadgePerItemTheReasonsAndTheTimelineOnAPhoneSizedPage() throws Exception {
        fixture = new ReportFixture("report-html", false);
        Path page = fixture.dirs.dir.resolve("status.html");
        Cli.Run run = Cli.run(fixture.app, "--config", fixture.config.toString(), "report", "--format", "html",
                "--output", page.toString());
        assertEquals(1, run.exitCode(), run.all());
        String html = Files.readString(page);

        // Self-contained: nothing the browser would fetch.
        for (String fetch : List.of("src=", "href=", "url(", "@import", "<link", "<script", "<img", "<iframe")) {
            assertFalse(html.contains(fetch), "the page would fetch something: " + fetch);
        }
        assertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));

        // Measure layout in the browser: a copy of the page with a probe that writes widths into the DOM.
        Path probe = fixture.dirs.dir.resolve("probe.html");
        Files.writeString(probe, html.replace("</body>", "<script>document.body.setAttribute('data-scroll-width',"
                + " document.documentElement.scrollWidth); document.body.setAttribute('data-inner-width', window.innerWidth);"
                + "</script></body>"));
        String dom = chromium(List.of("--window-size=390,844", "--dump-dom", probe.toUri().toString()));

        Matcher widths = Pattern.compile("data-scroll-width=\"(\\d+)\" data-inner-width=\"(\\d+)\"").matcher(dom);
        assertTrue(widths.find(), "the probe did not run:\n" + dom);
        assertTrue(Integer.parseInt(widths.group(1)) <= Integer.parseInt(widths.group(2)),
                "the page scrolls sideways on a phone: " + widths.group(0));

        Matcher overall = Pattern.compile("id=\"overall\" class=\"badge s-(\\w+)\">(\\w+)<").matcher(dom);
        assertTrue(overall.find(), dom);
        assertEquals("FAILED", overall.group(2));

        Map<String, String> status = new HashMap<>();
        Map<String, String> bodies = new HashMap<>();
        Matcher m = ITEM.matcher(dom);
        while (m.find()) {
            assertEquals(m.group(1), m.group(4));
            String body = m.group(5);
            assertTrue(body.contains("<span class=\"badge s-" + m.group(4) + "\">" + m.group(4) + "</span>"), "no badge: " + body);
            status.put(m.group(2) + ":" + m.group(3), m.group(4));
            bodies.put(m.group(3), body);
        }
        Map<String, String> expected = new HashMap<>(Map.of("drill:shop-daily", "OK", "drill:shop-stale", "OVERDUE",
                "drill:shop-failing", "FAILED", "drill:shop-never", "OVERDUE", "source:shop", "OK", "source:stale", "OVERDUE",
                "source:broken", "FAILED"));
        expected.putAll(Map.of("audit:vault", "OK", "audit:audit-stale", "OVERDUE", "audit:audit-failing", "FAILED",
                "audit:audit-never", "OVERDUE"));
        assertEquals(expected, status);

        // The failure reason is shown as text: its markup escaped, never executed as part of the page.
        assertTrue(bodies.get("shop-failing").contains("checksum mismatch: manifest says 3f2a…, object is 9b1c… "
                + "&lt;script&gt;alert(1)&lt;/script&gt;"), bodies.get("shop-failing"));
        assertTrue(bodies.get("broken").contains("pg_dump: error: connection to server failed: &lt;refused&gt; &amp; \"gone\""),
                bodies.get("broken"));
        assertTrue(bodies.get("shop-never").contains("never ran"));

        // Timeline: one bar per recorded run, coloured by outcome.
        assertEquals(7, count(bodies.get("shop-daily"), "<rect class=\"run\" data-outcome=\"PASSED\""));
        assertEquals(1, count(bodies.get("shop-failing"), "<rect class=\"run\" data-outcome=\"FAILED\""));
        assertTrue(bodies.get("shop-never").contains("No runs recorded yet."));

        Files.createDirectories(ARTIFACTS);
        Path shot = ARTIFACTS.resolve("report-phone.png");
        Files.deleteIfExists(shot);
        chromium(List.of("--window-size=390,1800", "--screenshot=" + shot, page.toUri().toString()));
        byte[] png = Files.readAllBytes(shot);
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "no screenshot at " + shot);
        Files.copy(page, ARTIFACTS.resolve("report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** Runs headless Chromium with no network (every host unresolvable) and a profile of its own under target/. */
    private String chromium(List<String> args) throws IOException, InterruptedException {
        Path profile = fixture.dirs.dir.resolve("chromium-profile");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--user-data-dir=" + profile));
        cmd.addAll(args);
        Path stderr = fixture.dirs.dir.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertEquals(0, p.exitValue(), "chromium failed (is Debian's chromium installed? tools/prepare-test-machine.sh"
                + " installs it):\n" + Files.readString(stderr));
        return out;
    }
}
