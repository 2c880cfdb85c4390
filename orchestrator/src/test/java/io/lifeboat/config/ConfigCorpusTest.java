package io.lifeboat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.ExitCode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code config/bad/} is a configuration with a defect its name describes. Its
 * first lines say what the loader must report:
 *
 * <pre>
 * # expect: LINE: KEY: TEXT        one per problem; TEXT is part of the rendered problem
 * # must-not-echo: SECRET          optional; SECRET must not appear in the error
 * </pre>
 *
 * The loader must report exactly the expected problems, no more: a typo that also produces three
 * follow-on errors buries the one that matters. Every file is loaded with the engines
 * {@code postgres} and {@code mariadb} and {@link TestExpectations}' stand-in for the expectation parser.
 */
class ConfigCorpusTest {
    private static final String EXPECT = "# expect: ";
    private static final String MUST_NOT_ECHO = "# must-not-echo: ";

    record Expectation(int line, String key, String text) {
        static Expectation parse(String directive) {
            String[] parts = directive.substring(EXPECT.length()).split(": ", 3);
            return new Expectation(Integer.parseInt(parts[0]), parts[1], parts[2]);
        }

        boolean matches(ConfigProblem p) {
            return p.line() == line && p.key().equals(key) && p.toString().contains(text);
        }
    }

    static Path corpus() throws URISyntaxException {
        return Path.of(ConfigCorpusTest.class.getResource("/config/bad").toURI());
    }

    static Stream<String> badFiles() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(corpus())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    private static List<String> directives(Path file, String prefix) throws IOException {
        List<String> result = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                break;
            }
            if (line.startsWith(prefix)) {
                result.add(line.substring(prefix.length()));
            }
        }
        return result;
    }

    @Test
    void corpusHasAtLeast25FilesAndEachStatesWhatToExpect() throws Exception {
        List<String> names = badFiles().toList();
        assertTrue(names.size() >= 25, "only " + names.size() + " bad configuration files");
        for (String name : names) {
            assertFalse(directives(corpus().resolve(name), EXPECT).isEmpty(), name + " has no '# expect:' line");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileIsRejectedWithExactlyTheExpectedProblems(String name) throws Exception {
        Path file = corpus().resolve(name);
        List<Expectation> expected = directives(file, EXPECT).stream().map(d -> Expectation.parse(EXPECT + d)).toList();

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, TestExpectations.RULES));

        assertEquals(ExitCode.USAGE, e.exitCode());
        String rendered = e.getMessage();
        for (Expectation x : expected) {
            ConfigProblem match = e.problems().stream().filter(x::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("expected " + x + " in:\n" + rendered));
            String where = x.line() > 0 ? file + ":" + x.line() : file.toString();
            assertTrue(rendered.contains(where + ": " + x.key() + ": "), rendered);
            assertTrue(rendered.contains(match.toString()), rendered);
            assertFalse(match.hint() == null || match.hint().isBlank(), "no hint in " + match);
        }
        assertEquals(expected.size(), e.problems().size(), "unexpected extra problems:\n" + rendered);
        for (String secret : directives(file, MUST_NOT_ECHO)) {
            assertFalse(rendered.contains(secret), "the error repeats a secret:\n" + rendered);
        }
    }
}
