package io.lifeboat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format, as much of it as node-exporter's
 * textfile collector accepts: HELP and TYPE before a metric's samples, one TYPE per metric,
 * {@code name{label="value",...} number} lines with escaped label values, and no duplicate series.
 * It fails the test on anything else.
 */
final class PrometheusText {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"(,|$)");

    private PrometheusText() {
    }

    static List<Sample> parse(String text) {
        assertTrue(text.endsWith("\n"), "the textfile collector wants a final newline");
        Set<String> typed = new HashSet<>();
        Set<String> series = new HashSet<>();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertEquals(4, p.length, line);
                assertTrue(NAME.matcher(p[2]).matches(), line);
                assertTrue(List.of("gauge", "counter", "untyped").contains(p[3]), line);
                assertTrue(typed.add(p[2]), "second TYPE for " + p[2]);
                continue;
            }
            assertTrue(!line.isBlank() && !line.startsWith("#"), "unexpected line: " + line);
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample: " + line);
            assertTrue(typed.contains(m.group(1)), "sample before its TYPE: " + line);
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"));
                    end = l.end();
                }
                assertEquals(m.group(3).length(), end, "bad labels: " + line);
            }
            double value = Double.parseDouble(m.group(4));
            assertTrue(series.add(m.group(1) + labels), "duplicate series: " + line);
            samples.add(new Sample(m.group(1), labels, value));
        }
        return samples;
    }

    static double value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + labels)).value();
    }
}
