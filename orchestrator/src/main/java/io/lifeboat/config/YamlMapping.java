package io.lifeboat.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One mapping of the configuration file, read key by key with the line of every key and value at
 * hand. Typed getters check the value and record a {@link ConfigProblem} instead of throwing, and
 * return empty, so one pass over the file finds every mistake. A section reader is a handful of
 * calls:
 *
 * <pre>{@code
 * top.optionalMapping("alerts", "alerts: { webhook_url_file: /etc/lifeboat/webhook.url }").ifPresent(a -> {
 *     a.rejectUnknownKeys(List.of("webhook_url_file", "on_passed", "timeout"));
 *     Optional<Duration> timeout = a.optionalDuration("timeout");
 * });
 * }</pre>
 *
 * Problems about a key are reported at the key's line; problems about a list item at the item's.
 * Values are quoted in messages only where they cannot be a secret; callers pass
 * {@code quoteValue=false} for paths of secret files, since a password pasted into
 * {@code password_file} is a common slip.
 */
final class YamlMapping {
    /** A scalar value with where it came from. {@code key} is the dotted path. */
    record Scalar(String key, String text, int line, Tag tag, boolean plain) {
    }

    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,9}");

    private final String path;
    private final String name;
    private final int line;
    private final ProblemList problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> refused = new HashSet<>();

    private YamlMapping(MappingNode node, String path, String name, int line, ProblemList problems) {
        this.path = path;
        this.name = name;
        this.line = line;
        this.problems = problems;
        for (NodeTuple entry : node.getValue()) {
            Node keyNode = entry.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                problems.add(lineOf(keyNode), path.isEmpty() ? "(top level)" : path,
                        "a key here is " + describe(keyNode) + "; keys must be plain names",
                        "write key: value, one per line");
                continue;
            }
            String key = scalarKey.getValue();
            NodeTuple first = entries.putIfAbsent(key, entry);
            if (first != null) {
                // SnakeYAML's own duplicate check lives in the constructor, which compose() skips.
                problems.add(lineOf(keyNode), keyPath(key),
                        "duplicate key, already set at line " + lineOf(first.getKeyNode()),
                        "keep one: YAML readers silently use one of the two, so a setting can vanish unnoticed");
            }
        }
    }

    /** The document's top-level mapping. Missing top-level sections are reported at line 0. */
    static YamlMapping top(MappingNode node, ProblemList problems) {
        return new YamlMapping(node, "", "", 0, problems);
    }

    /** 1-based line where a node starts. */
    static int lineOf(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** Dotted path of this mapping, e.g. {@code sources.shop}; empty at the top. */
    String path() {
        return path;
    }

    /** The key this mapping is under: the name of an entry under {@code sources:} or {@code targets:}. */
    String name() {
        return name;
    }

    /** Line of the key that introduced this mapping (0 at the top). */
    int line() {
        return line;
    }

    ProblemList problems() {
        return problems;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Line of the key, or of this mapping when the key is absent. */
    int keyLine(String key) {
        NodeTuple entry = entries.get(key);
        return entry == null ? line : lineOf(entry.getKeyNode());
    }

    Optional<Node> node(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
    }

    /** Records a problem about {@code key}, at its line. */
    void problem(String key, String message, String hint) {
        problems.add(keyLine(key), keyPath(key), message, hint);
    }

    /** Records a problem about this mapping as a whole, at the line of its key. */
    void problemHere(String message, String hint) {
        problems.add(line, path, message, hint);
    }

    /**
     * Reports {@code key} with a specific message if present, and keeps
     * {@link #rejectUnknownKeys} from reporting it again as merely unknown.
     */
    void refuse(String key, String message, String hint) {
        if (has(key)) {
            problem(key, message, hint);
            refused.add(key);
        }
    }

    /** Reports every key not in {@code allowed}, suggesting the allowed key it was probably meant to be. */
    void rejectUnknownKeys(Collection<String> allowed) {
        for (String key : entries.keySet()) {
            if (allowed.contains(key) || refused.contains(key)) {
                continue;
            }
            if (key.equals("<<")) {
                problem(key, "YAML merge keys (<<) are not supported",
                        "write the settings out in full: a merged-in default is easy to miss when reading the file");
                continue;
            }
            String hint = DidYouMean.closest(key, allowed)
                    .map(s -> "did you mean '" + s + "'?")
                    .orElse("allowed here: " + String.join(", ", allowed));
            problem(key, "unknown key", hint);
        }
    }

    // ---- scalars --------------------------------------------------------------------------

    /**
     * The scalar under {@code key}. Empty when absent; empty with a problem when it is a list, a
     * mapping or has no value. Non-scalar values are described, never quoted: a mapping where a
     * name was expected can hold anything, including a connection string with a password.
     */
    Optional<Scalar> optionalScalar(String key) {
        return scalar(key, null);
    }

    /** Like {@link #optionalScalar} but reports a missing key; {@code example} shows a valid line. */
    Optional<Scalar> requireScalar(String key, String example) {
        if (!has(key)) {
            missing(key, example);
            return Optional.empty();
        }
        return scalar(key, example);
    }

    /** @param example a valid line for a required key; null for an optional one */
    private Optional<Scalar> scalar(String key, String example) {
        Node value = node(key).orElse(null);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof ScalarNode scalar)) {
            problem(key, "must be a single value, not " + describe(value),
                    "write " + (example != null ? example : key + ": VALUE"));
            return Optional.empty();
        }
        if (Tag.NULL.equals(scalar.getTag())) {
            problem(key, "has no value", emptyValueHint(example));
            return Optional.empty();
        }
        return Optional.of(toScalar(keyPath(key), scalar));
    }

    /** A non-blank string. YAML's type guess is ignored: {@code database: 2024} is the name "2024". */
    Optional<String> optionalString(String key) {
        return optionalScalar(key).flatMap(s -> nonBlank(s, null));
    }

    Optional<String> requireString(String key, String example) {
        return requireScalar(key, example).flatMap(s -> nonBlank(s, example));
    }

    /**
     * A whole number from {@code min} to {@code max}. Plain decimal digits only, quoted or not:
     * YAML 1.1 would also read {@code 0x1F}, {@code 1_000} and {@code 1:20} as numbers, which in a
     * port or a level is a typo far more often than intent.
     *
     * @param rangeHint how to choose a valid value; null for "use a whole number from min to max"
     */
    OptionalInt optionalInt(String key, int min, int max, String rangeHint) {
        Optional<Scalar> scalar = optionalScalar(key);
        if (scalar.isEmpty()) {
            return OptionalInt.empty();
        }
        Scalar s = scalar.get();
        String hint = rangeHint != null ? rangeHint : "use a whole number from " + min + " to " + max;
        String text = s.text().trim();
        if (!DECIMAL.matcher(text).matches()) {
            problems.add(s.line(), s.key(), ProblemList.quote(s.text()) + " is not a whole number", hint);
            return OptionalInt.empty();
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            problems.add(s.line(), s.key(), value + " is out of range", hint);
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) value);
    }

    OptionalInt requireInt(String key, int min, int max, String rangeHint, String example) {
        if (!has(key)) {
            missing(key, example);
            return OptionalInt.empty();
        }
        return optionalInt(key, min, max, rangeHint);
    }

    /**
     * A real YAML boolean: {@code true} or {@code false}, unquoted. YAML 1.1's yes/no/on/off are
     * refused because other YAML readers (and people) take them for strings.
     */
    Optional<Boolean> optionalBoolean(String key) {
        Optional<Scalar> scalar = optionalScalar(key);
        if (scalar.isEmpty()) {
            return Optional.empty();
        }
        Scalar s = scalar.get();
        String lower = s.text().toLowerCase(Locale.ROOT);
        boolean trueOrFalse = lower.equals("true") || lower.equals("false");
        if (s.plain() && Tag.BOOL.equals(s.tag()) && trueOrFalse) {
            return Optional.of(lower.equals("true"));
        }
        String hint = "write " + key + ": true or " + key + ": false";
        if (!s.plain() && trueOrFalse) {
            problems.add(s.line(), s.key(), ProblemList.quote(s.text()) + " is quoted, so it is text, not a boolean",
                    "remove the quotes: " + key + ": " + lower);
        } else if (Tag.BOOL.equals(s.tag())) {
            problems.add(s.line(), s.key(), ProblemList.quote(s.text()) + " is not accepted as a boolean", hint);
        } else {
            problems.add(s.line(), s.key(), ProblemList.quote(s.text()) + " is not a boolean", hint);
        }
        return Optional.empty();
    }

    /** One of a fixed set of words, matched exactly; a near miss gets a "did you mean". */
    Optional<String> optionalChoice(String key, List<String> allowed) {
        return optionalString(key).flatMap(text -> {
            if (allowed.contains(text)) {
                return Optional.of(text);
            }
            problem(key, ProblemList.quote(text) + " is not one of " + String.join(", ", allowed),
                    DidYouMean.closest(text, allowed).map(s -> "did you mean '" + s + "'?")
                            .orElse("use one of " + String.join(", ", allowed)));
            return Optional.empty();
        });
    }

    Optional<String> requireChoice(String key, List<String> allowed, String example) {
        if (!has(key)) {
            missing(key, example);
            return Optional.empty();
        }
        return optionalChoice(key, allowed);
    }

    /**
     * An absolute path. Relative paths are refused because lifeboat runs from cron, systemd and
     * Quartz, whose working directory is nobody's guess; {@code ~} is refused because nothing
     * expands it here.
     *
     * @param quoteValue false for paths of files that hold secrets: what was typed there may be
     *                   the secret itself, so the message describes it without repeating it
     */
    Optional<Path> optionalAbsolutePath(String key, String example, boolean quoteValue) {
        return optionalString(key).flatMap(text -> {
            String shown = quoteValue ? ProblemList.quote(text) + " is" : "the value is";
            Path path;
            try {
                path = Path.of(text);
            } catch (InvalidPathException e) {
                problem(key, shown + " not a valid path", "write an absolute path, e.g. " + example);
                return Optional.empty();
            }
            if (text.startsWith("~")) {
                problem(key, shown + " relative to a home directory (~), which lifeboat does not expand",
                        "write the full path, e.g. " + example);
                return Optional.empty();
            }
            if (!path.isAbsolute()) {
                problem(key, shown + " a relative path; paths must be absolute",
                        "write the full path from /, e.g. " + example
                                + " (lifeboat runs from cron and systemd, whose working directory is not yours)");
                return Optional.empty();
            }
            return Optional.of(path);
        });
    }

    /**
     * A duration ({@code 90s}, {@code 1h30m}, {@link DurationSyntax}) longer than zero: no
     * lifeboat setting has a use for a zero timeout or budget.
     */
    Optional<Duration> optionalDuration(String key) {
        return optionalScalar(key).flatMap(s -> {
            Optional<Defect> defect = DurationSyntax.check(s.text());
            if (defect.isPresent()) {
                problems.add(s.line(), s.key(), defect.get().message(), defect.get().hint());
                return Optional.empty();
            }
            Duration d = DurationSyntax.parse(s.text());
            if (d.isZero()) {
                problems.add(s.line(), s.key(), ProblemList.quote(s.text()) + " is zero",
                        "give a duration longer than zero, or remove the key to use the default; write it like "
                                + DurationSyntax.FORMS);
                return Optional.empty();
            }
            return Optional.of(d);
        });
    }

    // ---- collections ----------------------------------------------------------------------

    /** The nested mapping under {@code key}; empty when absent, empty with a problem when not a mapping. */
    Optional<YamlMapping> optionalMapping(String key, String example) {
        Node value = node(key).orElse(null);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof MappingNode mapping) {
            return Optional.of(new YamlMapping(mapping, keyPath(key), key, keyLine(key), problems));
        }
        if (value instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag())) {
            problem(key, "has no settings", "write it as " + example + ", or remove it");
        } else {
            problem(key, "must be a mapping of settings, not " + describe(value), "write it as " + example);
        }
        return Optional.empty();
    }

    Optional<YamlMapping> requireMapping(String key, String example) {
        if (!has(key)) {
            missing(key, example);
            return Optional.empty();
        }
        return optionalMapping(key, example);
    }

    /**
     * The entries of a section of named things ({@code sources:}, {@code targets:}), in file
     * order. An entry that is not a mapping is reported and left out.
     */
    Map<String, YamlMapping> namedMappings(String example) {
        Map<String, YamlMapping> result = new LinkedHashMap<>();
        entries.forEach((name, entry) -> {
            Node value = entry.getValueNode();
            if (value instanceof MappingNode mapping) {
                result.put(name, new YamlMapping(mapping, keyPath(name), name, lineOf(entry.getKeyNode()), problems));
            } else {
                problem(name, "must be a mapping of settings, not " + describe(value), "write it as " + example);
            }
        });
        return result;
    }

    /** The names of the entries, valid or not: enough to check cross-references against. */
    Set<String> keys() {
        return entries.keySet();
    }

    /**
     * A list of single values, each with its own line. A missing key, a value that is not a
     * list, or an item that is not a single value is reported.
     */
    Optional<List<Scalar>> requireScalarList(String key, String example) {
        Node value = node(key).orElse(null);
        if (value == null) {
            missing(key, example);
            return Optional.empty();
        }
        if (!(value instanceof SequenceNode sequence)) {
            problem(key, "must be a list, not " + describe(value), "write it as " + example);
            return Optional.empty();
        }
        List<Scalar> items = new ArrayList<>();
        List<Node> nodes = sequence.getValue();
        for (int i = 0; i < nodes.size(); i++) {
            String itemKey = keyPath(key) + "[" + i + "]";
            Node item = nodes.get(i);
            if (item instanceof ScalarNode scalar && !Tag.NULL.equals(scalar.getTag())) {
                items.add(toScalar(itemKey, scalar));
            } else {
                problems.add(lineOf(item), itemKey, "must be a single value, not " + describe(item),
                        "write it as " + example);
            }
        }
        return Optional.of(items);
    }

    /**
     * A list of mappings (the checks of a drill), each read like a section of its own with the
     * dotted key {@code path.key[i]} and the line of its first entry. Empty when absent; an
     * empty or non-list value, and items that are not mappings, are reported and left out.
     */
    Optional<List<YamlMapping>> optionalMappingList(String key, String example) {
        Node value = node(key).orElse(null);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag())) {
            problem(key, "has no value", "list the items, e.g. " + example + ", or remove it");
            return Optional.empty();
        }
        if (!(value instanceof SequenceNode sequence)) {
            problem(key, "must be a list, not " + describe(value), "write one item per line, e.g. " + example);
            return Optional.empty();
        }
        List<YamlMapping> items = new ArrayList<>();
        List<Node> nodes = sequence.getValue();
        for (int i = 0; i < nodes.size(); i++) {
            String itemKey = keyPath(key) + "[" + i + "]";
            Node item = nodes.get(i);
            if (item instanceof MappingNode mapping) {
                items.add(new YamlMapping(mapping, itemKey, key + "[" + i + "]", lineOf(item), problems));
            } else {
                problems.add(lineOf(item), itemKey, "must be a mapping of settings, not " + describe(item),
                        "write it as " + example);
            }
        }
        return Optional.of(items);
    }

    // ---- helpers --------------------------------------------------------------------------

    private void missing(String key, String example) {
        problems.add(line, keyPath(key), "is required",
                "add it under " + (path.isEmpty() ? "the top level" : path) + ", e.g. " + example);
    }

    private Optional<String> nonBlank(Scalar s, String example) {
        if (s.text().isBlank()) {
            problems.add(s.line(), s.key(), "is empty", emptyValueHint(example));
            return Optional.empty();
        }
        return Optional.of(s.text());
    }

    private static String emptyValueHint(String example) {
        return example == null ? "give it a value, or remove the key to use the default" : "give it a value, e.g. " + example;
    }

    private static Scalar toScalar(String key, ScalarNode node) {
        return new Scalar(key, node.getValue(), lineOf(node), node.getTag(),
                node.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN);
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag())) {
            return "empty";
        }
        return "a single value";
    }
}
