package io.lifeboat.config;

import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads {@code lifeboat.yaml} into a {@link LifeboatConfig}, or throws one {@link ConfigException}
 * listing every problem in the file, each with its line, dotted key and a hint.
 *
 * <p>The file is composed into SnakeYAML nodes rather than bound to classes, because nodes keep
 * their line numbers and binding loses them. Nothing is ever constructed from YAML tags, aliases
 * are capped (billion-laughs), and duplicate keys are errors. Files the configuration names
 * (password files, credentials, the age identity) are not opened here: one configuration serves
 * the backup host and the drill host, and each side checks the files it uses when it uses them.
 *
 * <p>Cross-references are checked here too: a source's target, a drill's source and sandbox
 * server exist, and no sandbox server is the server of a source (a drill must never restore into
 * production). Rules owned by other modules (engine names, the syntax of a check's
 * {@code expect:}) come in through {@link ConfigRules}.
 *
 * <p>Adding a section means adding its key to {@link #TOP_KEYS}, a record, and a reader method of
 * a few {@link YamlMapping} calls like {@code readCompression()}.
 */
public final class ConfigLoader {
    static final List<String> TOP_KEYS = List.of("state_dir", "compression", "sources", "targets", "encryption",
            "sandboxes", "drills", "alerts", "catalog", "schedule");
    static final List<String> SOURCE_KEYS = List.of(
            "engine", "host", "port", "database", "user", "password_file", "sslmode", "connect_timeout", "target", "schedule", "canary",
            "max_backup_age", "restore_gate", "restore_request_expiry");
    static final List<String> CATALOG_KEYS = List.of("url", "user", "password_file");
    static final List<String> SCHEDULE_KEYS = List.of("grace", "shutdown_timeout", "trigger_poll", "metrics_file");
    static final List<String> SANDBOX_KEYS = List.of("engine", "host", "port", "user", "password_file", "sslmode");
    static final List<String> DRILL_KEYS = List.of("source", "sandbox", "sandbox_server", "image", "schedule",
            "max_backup_age", "max_restore_time", "row_count_tolerance", "check_timeout", "checks");
    static final List<String> CHECK_KEYS = List.of("name", "sql", "expect", "timeout");
    static final List<String> ALERTS_KEYS = List.of("webhook_url_file", "webhook_url", "on_passed", "timeout");
    static final List<String> TARGET_KEYS = List.of("url", "region", "endpoint", "path_style", "checksum",
            "object_lock", "part_size", "write_credentials", "read_credentials", "audit_schedule");
    /** Everything a target may have except its URL and its audit schedule is about S3. */
    static final List<String> S3_ONLY_KEYS = TARGET_KEYS.subList(1, TARGET_KEYS.size() - 1);
    static final List<String> CREDENTIALS_KEYS = List.of("profile", "credentials_file", "role_arn", "external_id",
            "session_duration", "session_policy", "sts_endpoint");
    /** Only meaningful when a role is assumed. */
    static final List<String> ASSUME_ROLE_KEYS = CREDENTIALS_KEYS.subList(3, CREDENTIALS_KEYS.size());
    /** STS's own limits on a role session (AWS: 900 s to the role's maximum, at most 12 h). */
    static final Duration MIN_SESSION = Duration.ofMinutes(15);
    static final Duration MAX_SESSION = Duration.ofHours(12);
    static final Duration DEFAULT_SESSION = Duration.ofMinutes(15);
    static final List<String> OBJECT_LOCK_KEYS = List.of("mode", "retain_days");
    static final List<String> ENCRYPTION_KEYS = List.of("recipients", "identity_file");
    static final List<String> COMPRESSION_KEYS = List.of("level", "threads");
    static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    static final String DEFAULT_SSL_MODE = "prefer";
    static final Map<String, Integer> DEFAULT_PORTS = Map.of("postgres", 5432, "mariadb", 3306, "mysql", 3306);
    static final long DEFAULT_PART_SIZE = 16 * ByteSize.MIB;
    /** S3 refuses smaller parts (except the last). */
    static final long MIN_PART_SIZE = 5 * ByteSize.MIB;
    /** The pipeline buffers a few parts, so this bounds its memory. */
    static final long MAX_PART_SIZE = 512 * ByteSize.MIB;
    static final int MAX_RETAIN_DAYS = 36_500;
    static final Path ROOT_STATE_DIR = Path.of("/var/lib/lifeboat");

    /** Source and target names become segments of object keys, so they stay plain. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern S3_PREFIX = Pattern.compile("[A-Za-z0-9!_.*'()/-]+");
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]+");
    /** An IAM role ARN; the account may be empty on Ceph RGW ({@code arn:aws:iam:::role/name}). */
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::([0-9]{12})?:role/[A-Za-z0-9+=,.@_/-]{1,512}");
    /** STS's character set and length for an external ID. */
    private static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9+=,.@:/_-]{2,1224}");
    private static final Pattern HOST_WITH_PORT = Pattern.compile("[^:\\[\\]]+:[0-9]+");
    private static final int AGE_RECIPIENT_LENGTH = 62;
    private static final int MAX_CHECK_NAME_LENGTH = 100;
    private static final int MAX_IMAGE_LENGTH = 255; // docker's own limit for a reference
    /**
     * A container image reference with a tag or a digest: {@code [registry[:port]/]path[:tag][@sha256:hex]}
     * with docker's lowercase path components.
     */
    private static final Pattern IMAGE = Pattern.compile(
            "(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

    /** The key named in problems about the file as a whole. */
    static final String FILE_KEY = "(file)";
    /** The key named in YAML syntax problems: the parser cannot say which key it was reading. */
    static final String SYNTAX_KEY = "(syntax)";

    private static final List<String> INLINE_PASSWORD_KEYS = List.of("password", "passwd");
    private static final List<String> INLINE_S3_KEYS = List.of("access_key", "access_key_id", "aws_access_key_id",
            "secret_key", "secret_access_key", "aws_secret_access_key", "session_token", "aws_session_token");
    static final String INLINE_PASSWORD_MESSAGE = "inline passwords are not accepted: put it in a file readable"
            + " only by lifeboat's user and set password_file";
    static final String PRIVATE_KEY_MESSAGE = "this is an age PRIVATE key (AGE-SECRET-KEY-...), not a recipient;"
            + " it must never be on the backup host";

    private static final String SOURCE_EXAMPLE =
            "shop: { engine: postgres, host: 127.0.0.1, database: shop, user: postgres, target: vault }";
    private static final String TARGET_EXAMPLE = "vault: { url: s3://lifeboat-backups/prod }";
    private static final String RECIPIENTS_EXAMPLE = "recipients: [ \"age1...\" ]";
    private static final String CREDENTIALS_EXAMPLE =
            "{ profile: lifeboat-writer, credentials_file: /etc/lifeboat/aws-credentials }";
    private static final String SANDBOX_EXAMPLE = "staging: { engine: postgres, host: 10.0.0.5, user: lifeboat_drill }";
    private static final String DRILL_EXAMPLE = "shop-quarterly: { source: shop, sandbox: ephemeral }";
    private static final String CHECK_EXAMPLE =
            "- { name: orders present, sql: SELECT count(*) FROM orders, expect: \">= 1000\" }";
    private static final String CATALOG_EXAMPLE =
            "catalog: { url: jdbc:postgresql://10.0.0.7:5432/lifeboat, user: lifeboat, password_file: /etc/lifeboat/catalog.pass }";
    private static final Pattern JDBC_PASSWORD = Pattern.compile("(?i)[?&;]password=");
    private static final String ALERTS_EXAMPLE = "alerts: { webhook_url_file: /etc/lifeboat/webhook.url }";
    private static final String EXPECT_HINT = "expectations are >= N, <= N, = VALUE, true, between A and B,"
            + " or matches /REGEX/; quote them, e.g. expect: \">= 1000\"";
    static final String INLINE_WEBHOOK_MESSAGE = "an inline webhook URL is accepted only for a loopback address"
            + " (127.0.0.1, localhost, ::1): webhook URLs are secrets";
    private static final String WEBHOOK_FILE_HINT = "put the URL alone in a file readable only by lifeboat's user and"
            + " set webhook_url_file: /etc/lifeboat/webhook.url; if this file was ever shared, regenerate the webhook";

    private final YamlMapping top;
    private final ProblemList problems;
    private final ConfigRules rules;
    private final HostEnvironment host;

    private ConfigLoader(YamlMapping top, ConfigRules rules, HostEnvironment host) {
        this.top = top;
        this.problems = top.problems();
        this.rules = rules;
        this.host = host;
    }

    /**
     * Reads and validates a configuration file, accepting every check's {@code expect:} as
     * written: {@link ConfigRules#withoutExpectationCheck}. The application uses
     * {@link #load(Path, ConfigRules)} with the drill library's expectation parser instead.
     *
     * @param file         the file; a missing or unreadable file is a {@link ConfigException}
     *                     like any other problem
     * @param knownEngines engine names a source may use (the engine registry's names)
     * @throws ConfigException with every problem found (exit code 2)
     */
    public static LifeboatConfig load(Path file, Set<String> knownEngines) {
        return load(file, ConfigRules.withoutExpectationCheck(knownEngines));
    }

    /**
     * Reads and validates a configuration file.
     *
     * @param file  the file; a missing or unreadable file is a {@link ConfigException} like any
     *              other problem
     * @param rules engine names, and the check of each {@code expect:}
     * @throws ConfigException with every problem found (exit code 2)
     */
    public static LifeboatConfig load(Path file, ConfigRules rules) {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw ConfigException.single(file, 0, FILE_KEY, "is a directory, not a file",
                        "name the file itself, e.g. --config /etc/lifeboat/lifeboat.yaml");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigException.single(file, 0, FILE_KEY, "file not found",
                    "create it, or point lifeboat at your configuration with --config FILE or $LIFEBOAT_CONFIG");
        } catch (AccessDeniedException e) {
            throw ConfigException.single(file, 0, FILE_KEY, "cannot be read: permission denied",
                    "run lifeboat as the user it is set up for, or let that user read the file");
        } catch (CharacterCodingException e) {
            throw ConfigException.single(file, 0, FILE_KEY, "is not UTF-8 text", "save the file as UTF-8");
        } catch (IOException e) {
            throw ConfigException.single(file, 0, FILE_KEY, "cannot be read: " + e.getClass().getSimpleName(),
                    "check that the file is a readable regular file");
        }
        return parse(text, file, rules);
    }

    /**
     * Validates configuration text, accepting every check's {@code expect:} as written (see
     * {@link #load(Path, Set)}).
     *
     * @param yamlText        the file's contents
     * @param nameForMessages the file name to show in problems and to keep in {@link LifeboatConfig#file()}
     * @param knownEngines    engine names a source may use
     * @throws ConfigException with every problem found (exit code 2)
     */
    public static LifeboatConfig parse(String yamlText, Path nameForMessages, Set<String> knownEngines) {
        return parse(yamlText, nameForMessages, ConfigRules.withoutExpectationCheck(knownEngines));
    }

    /**
     * Validates configuration text.
     *
     * @param yamlText        the file's contents
     * @param nameForMessages the file name to show in problems and to keep in {@link LifeboatConfig#file()}
     * @param rules           engine names, and the check of each {@code expect:}
     * @throws ConfigException with every problem found (exit code 2)
     */
    public static LifeboatConfig parse(String yamlText, Path nameForMessages, ConfigRules rules) {
        return parse(yamlText, nameForMessages, rules, HostEnvironment.current());
    }

    /** As {@link #parse(String, Path, Set)}, with the environment that picks defaults given. */
    static LifeboatConfig parse(String yamlText, Path file, Set<String> knownEngines, HostEnvironment host) {
        return parse(yamlText, file, ConfigRules.withoutExpectationCheck(knownEngines), host);
    }

    /** As {@link #parse(String, Path, ConfigRules)}, with the environment that picks defaults given. */
    static LifeboatConfig parse(String yamlText, Path file, ConfigRules rules, HostEnvironment host) {
        Node root = compose(yamlText, file);
        if (root == null) {
            throw ConfigException.single(file, 0, FILE_KEY, "the file is empty (no settings, only comments or blank lines)",
                    "a configuration needs at least sources:, targets: and encryption: (see the README)");
        }
        if (!(root instanceof MappingNode mapping)) {
            throw ConfigException.single(file, YamlMapping.lineOf(root), FILE_KEY,
                    "the top level must be a mapping of settings, not " + (root instanceof SequenceNode ? "a list" : "a single value"),
                    "start with sources:, targets: and encryption: at the left margin");
        }
        return new ConfigLoader(YamlMapping.top(mapping, new ProblemList(file)), rules, host).read();
    }

    /**
     * Composes YAML into nodes with every limit tight: the file is small and hand-written, so
     * anything large, deep or alias-heavy is a mistake or an attack.
     */
    private static Node compose(String text, Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false); // enforced again by YamlMapping: compose() skips this check
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(1_000_000);
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
        try {
            return yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw syntaxProblem(e, file);
        } catch (YAMLException e) {
            throw ConfigException.single(file, 0, SYNTAX_KEY, e.getMessage(),
                    "lifeboat.yaml is short and needs no anchors or aliases: write the values out");
        }
    }

    /**
     * Only the parser's description and position are used: its full message quotes the
     * offending line, which could hold anything.
     */
    private static ConfigException syntaxProblem(MarkedYAMLException e, Path file) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        int line = mark == null ? 0 : mark.getLine() + 1;
        String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
        if (problem.contains("(TAB)")) {
            return ConfigException.single(file, line, SYNTAX_KEY, "a tab character where YAML expects spaces",
                    "indent with spaces only: YAML does not allow tabs for indentation");
        }
        if (problem.contains("found another document")) {
            return ConfigException.single(file, line, SYNTAX_KEY, "a second YAML document starts here",
                    "lifeboat reads one document: remove this '---' line or move the settings into the first document");
        }
        String message = "invalid YAML: " + problem;
        Mark context = e.getContextMark();
        if (e.getContext() != null && context != null && context.getLine() + 1 != line) {
            message += " (" + e.getContext() + " started at line " + (context.getLine() + 1) + ")";
        }
        return ConfigException.single(file, line, SYNTAX_KEY, message,
                "check this line and the one above: indentation, a space after ':', an unclosed quote or bracket");
    }

    // ---- top level ------------------------------------------------------------------------

    private LifeboatConfig read() {
        top.rejectUnknownKeys(TOP_KEYS);
        Optional<Path> stateDir = top.has("state_dir")
                ? top.optionalAbsolutePath("state_dir", ROOT_STATE_DIR.toString(), true)
                : defaultStateDir();
        CompressionConfig compression = readCompression();
        Optional<YamlMapping> targetSection = top.requireMapping("targets", "targets: { " + TARGET_EXAMPLE + " }");
        Map<String, TargetConfig> targets = targetSection.map(this::readTargets).orElse(Map.of());
        Optional<YamlMapping> sourceSection = top.requireMapping("sources", "sources: { " + SOURCE_EXAMPLE + " }");
        Map<String, SourceConfig> sources = sourceSection
                .map(section -> readSources(section, targetSection.map(YamlMapping::keys)))
                .orElse(Map.of());
        Optional<EncryptionConfig> encryption = top.requireMapping("encryption", "encryption: { " + RECIPIENTS_EXAMPLE + " }")
                .flatMap(this::readEncryption);
        Optional<YamlMapping> sandboxSection = top.optionalMapping("sandboxes", "sandboxes: { " + SANDBOX_EXAMPLE + " }");
        Map<String, SandboxServerConfig> sandboxes = sandboxSection
                .map(section -> readSandboxes(section, sources))
                .orElse(Map.of());
        Map<String, DrillConfig> drills = top.optionalMapping("drills", "drills: { " + DRILL_EXAMPLE + " }")
                .map(section -> readDrills(section, new Known(sourceSection.map(YamlMapping::keys), sources,
                        top.has("sandboxes") ? sandboxSection.map(YamlMapping::keys) : Optional.of(Set.of()), sandboxes)))
                .orElse(Map.of());
        Optional<AlertsConfig> alerts = top.optionalMapping("alerts", ALERTS_EXAMPLE).flatMap(this::readAlerts);
        Optional<CatalogConfig> catalog = top.optionalMapping("catalog", CATALOG_EXAMPLE).flatMap(this::readCatalog);
        ScheduleConfig schedule = top.optionalMapping("schedule", "schedule: { grace: 6h }").map(this::readSchedule)
                .orElseGet(ScheduleConfig::defaults);
        problems.throwIfAny();
        // Every reader records a problem whenever it returns empty, so these are present here.
        return new LifeboatConfig(problems.file(), sources, targets, encryption.orElseThrow(), compression,
                stateDir.orElseThrow(), sandboxes, drills, alerts,
                catalog.orElseGet(() -> CatalogConfig.inStateDir(stateDir.orElseThrow())), schedule);
    }

    /**
     * $LIFEBOAT_STATE_DIR, else /var/lib/lifeboat for root, else the XDG state directory. Relative
     * XDG_STATE_HOME values are ignored, as the XDG spec says; a relative $LIFEBOAT_STATE_DIR is
     * an error, because it was set on purpose.
     */
    private Optional<Path> defaultStateDir() {
        String fromEnv = host.env().get("LIFEBOAT_STATE_DIR");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            if (!isAbsolutePath(fromEnv)) {
                problems.add(0, "state_dir", "$LIFEBOAT_STATE_DIR is " + ProblemList.quote(fromEnv) + ", not an absolute path",
                        "set $LIFEBOAT_STATE_DIR to an absolute path, or set state_dir in the file");
                return Optional.empty();
            }
            return Optional.of(Path.of(fromEnv));
        }
        if ("root".equals(host.userName())) {
            return Optional.of(ROOT_STATE_DIR);
        }
        String xdg = host.env().get("XDG_STATE_HOME");
        if (xdg != null && isAbsolutePath(xdg)) {
            return Optional.of(Path.of(xdg, "lifeboat"));
        }
        return Optional.of(host.userHome().resolve(".local/state/lifeboat"));
    }

    private static boolean isAbsolutePath(String text) {
        try {
            return Path.of(text).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private CompressionConfig readCompression() {
        return top.optionalMapping("compression", "compression: { level: 3 }").map(c -> {
            c.rejectUnknownKeys(COMPRESSION_KEYS);
            int level = c.optionalInt("level", 1, 19,
                    "zstd levels run from 1 (fastest) to 19 (smallest); 3 is the default").orElse(CompressionConfig.DEFAULT_LEVEL);
            int threads = c.optionalInt("threads", 0, CompressionConfig.MAX_THREADS,
                    "zstd worker threads run from 0 (compress on the backup's own thread) to " + CompressionConfig.MAX_THREADS
                            + "; " + CompressionConfig.DEFAULT_THREADS + " is the default; a dump tool writes a few hundred MB/s at most,"
                            + " which 4 keep up with").orElse(CompressionConfig.DEFAULT_THREADS);
            return new CompressionConfig(level, threads);
        }).orElseGet(CompressionConfig::defaults);
    }

    /** @param why what the name ends up in, which is why it is restricted */
    private static void checkName(YamlMapping m, String kind, String why) {
        if (!NAME.matcher(m.name()).matches()) {
            m.problemHere(ProblemList.quote(m.name()) + " is not a valid " + kind + " name",
                    "use 1-63 lowercase letters, digits, '_' and '-', starting with a letter or digit: " + why);
        }
    }

    /** "did you mean 'x'? defined NOUN: a, b" for a name that is not among {@code names}. */
    private static String undefinedHint(String name, Collection<String> names, String section, String example) {
        if (names.isEmpty()) {
            return "declare it under " + section + ":, e.g. " + example;
        }
        List<String> sorted = List.copyOf(names);
        return DidYouMean.closest(name, sorted).map(s -> "did you mean '" + s + "'? ").orElse("")
                + "defined " + section + ": " + String.join(", ", sorted);
    }

    // ---- sources --------------------------------------------------------------------------

    private Map<String, SourceConfig> readSources(YamlMapping section, Optional<Set<String>> targetNames) {
        if (section.keys().isEmpty()) {
            section.problemHere("declares no sources", "add at least one, e.g. " + SOURCE_EXAMPLE);
        }
        Map<String, SourceConfig> sources = new LinkedHashMap<>();
        section.namedMappings(SOURCE_EXAMPLE).forEach((name, m) ->
                readSource(m, targetNames).ifPresent(source -> sources.put(name, source)));
        return sources;
    }

    private Optional<SourceConfig> readSource(YamlMapping m, Optional<Set<String>> targetNames) {
        int before = problems.count();
        checkName(m, "source", "the name becomes part of the backups' object keys");
        refuseInlinePasswords(m);
        m.rejectUnknownKeys(SOURCE_KEYS);

        Optional<String> engine = readEngine(m);
        Optional<String> host = m.requireString("host", "host: 127.0.0.1").flatMap(h -> checkHost(m, h));
        OptionalInt port = readPort(m, engine);
        Optional<String> database = m.requireString("database", "database: shop");
        Optional<String> user = m.requireString("user", "user: postgres");
        Optional<Path> passwordFile = m.optionalAbsolutePath("password_file",
                "/etc/lifeboat/" + m.name() + ".password", false);
        String sslMode = m.optionalChoice("sslmode", SSL_MODES).orElse(DEFAULT_SSL_MODE);
        Optional<String> target = m.requireString("target", "target: vault");
        if (target.isPresent() && targetNames.isPresent() && !targetNames.get().contains(target.get())) {
            List<String> names = List.copyOf(targetNames.get());
            m.problem("target", ProblemList.quote(target.get()) + " is not defined under targets",
                    names.isEmpty() ? "add it under targets:" : DidYouMean.closest(target.get(), names)
                            .map(s -> "did you mean '" + s + "'? ").orElse("") + "defined targets: " + String.join(", ", names));
        }
        Optional<String> schedule = m.optionalString("schedule");
        schedule.flatMap(QuartzCronSyntax::check).ifPresent(d -> m.problem("schedule", d.message(), d.hint()));
        boolean canary = m.optionalBoolean("canary").orElse(false);
        Optional<Duration> maxBackupAge = m.optionalDuration("max_backup_age");
        RestorePolicy restore = readRestorePolicy(m);
        Duration connectTimeout = m.optionalDuration("connect_timeout").orElse(SourceConfig.DEFAULT_CONNECT_TIMEOUT);
        if (connectTimeout.compareTo(Duration.ofSeconds(1)) < 0 || connectTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            m.problem("connect_timeout", "must be between 1s and 10m, not " + connectTimeout.toSeconds() + "s",
                    "connect_timeout: 30s");
        }

        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new SourceConfig(m.name(), engine.orElseThrow(), host.orElseThrow(), port.orElseThrow(),
                database.orElseThrow(), user.orElseThrow(), passwordFile, sslMode, target.orElseThrow(), schedule,
                canary, maxBackupAge, m.line(), restore, connectTimeout));
    }

    private static RestorePolicy readRestorePolicy(YamlMapping m) {
        List<String> gates = java.util.Arrays.stream(RestorePolicy.Gate.values()).map(RestorePolicy.Gate::configName).toList();
        RestorePolicy.Gate gate = m.optionalChoice("restore_gate", gates)
                .map(g -> RestorePolicy.Gate.valueOf(g.toUpperCase(java.util.Locale.ROOT))).orElse(RestorePolicy.Gate.TTY);
        Optional<Duration> expiry = m.optionalDuration("restore_request_expiry");
        if (expiry.isPresent() && gate != RestorePolicy.Gate.APPROVAL) {
            // a setting that does nothing is a misunderstanding to point out, not to ignore
            m.problem("restore_request_expiry", "only applies to restore_gate: approval",
                    "set restore_gate: approval, or remove restore_request_expiry");
        }
        if (expiry.isPresent() && expiry.get().isZero()) {
            m.problem("restore_request_expiry", "must be longer than 0", "e.g. restore_request_expiry: 30m");
        }
        return new RestorePolicy(gate, expiry.orElse(RestorePolicy.DEFAULT_EXPIRY));
    }

    private static void refuseInlinePasswords(YamlMapping m) {
        for (String key : INLINE_PASSWORD_KEYS) {
            m.refuse(key, INLINE_PASSWORD_MESSAGE, "e.g. password_file: /etc/lifeboat/" + m.name() + ".password"
                    + " (the password alone, chmod 600); if this file was ever shared, change the password");
        }
    }

    /** The engine if it is a known one; otherwise a problem and empty. */
    private Optional<String> readEngine(YamlMapping m) {
        Optional<String> engine = m.requireString("engine", "engine: postgres");
        List<String> engines = List.copyOf(new TreeSet<>(rules.knownEngines()));
        if (engine.isPresent() && !rules.knownEngines().contains(engine.get())) {
            m.problem("engine", ProblemList.quote(engine.get()) + " is not a known engine",
                    DidYouMean.closest(engine.get(), engines).map(s -> "did you mean '" + s + "'? ").orElse("")
                            + "known engines: " + String.join(", ", engines));
            return Optional.empty();
        }
        return engine;
    }

    /** The port as written, else the engine's default port. */
    private static OptionalInt readPort(YamlMapping m, Optional<String> engine) {
        OptionalInt port = m.optionalInt("port", 1, 65535, "use the TCP port the server listens on, 1 to 65535");
        if (!m.has("port") && engine.isPresent()) {
            Integer defaultPort = DEFAULT_PORTS.get(engine.get());
            if (defaultPort != null) {
                port = OptionalInt.of(defaultPort);
            } else {
                m.problem("port", "is required: engine '" + engine.get() + "' has no default port", "add e.g. port: 5432");
            }
        }
        return port;
    }

    /** Catches the usual slips of pasting a whole address or URL into {@code host}. */
    private static Optional<String> checkHost(YamlMapping m, String host) {
        if (host.contains("://") || host.contains("@")) {
            // A URL or user@host may carry a password: describe it, never quote it.
            m.problem("host", "looks like a URL or user@host, not a host name",
                    "give only the host name or address; port, database and user have their own keys,"
                            + " and the password goes in password_file");
            return Optional.empty();
        }
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            m.problem("host", ProblemList.quote(host) + " contains spaces", "give one host name or address");
            return Optional.empty();
        }
        if (HOST_WITH_PORT.matcher(host).matches()) {
            String[] parts = host.split(":");
            m.problem("host", ProblemList.quote(host) + " includes a port",
                    "put the port in its own key: host: " + parts[0] + " and port: " + parts[1]);
            return Optional.empty();
        }
        return Optional.of(host);
    }

    // ---- targets --------------------------------------------------------------------------

    private Map<String, TargetConfig> readTargets(YamlMapping section) {
        if (section.keys().isEmpty()) {
            section.problemHere("declares no targets", "add at least one, e.g. " + TARGET_EXAMPLE);
        }
        Map<String, TargetConfig> targets = new LinkedHashMap<>();
        section.namedMappings(TARGET_EXAMPLE).forEach((name, m) ->
                readTarget(m).ifPresent(target -> targets.put(name, target)));
        return targets;
    }

    private Optional<TargetConfig> readTarget(YamlMapping m) {
        int before = problems.count();
        checkName(m, "target", "the name becomes part of the backups' object keys");
        refuseInlineS3Keys(m);
        m.rejectUnknownKeys(TARGET_KEYS);
        Optional<URI> url = m.requireString("url", "url: s3://lifeboat-backups/prod").flatMap(u -> parseTargetUrl(m, u));
        Optional<String> auditSchedule = m.optionalString("audit_schedule");
        auditSchedule.flatMap(QuartzCronSyntax::check).ifPresent(d -> m.problem("audit_schedule", d.message(), d.hint()));

        if (url.isPresent() && "file".equals(url.get().getScheme())) {
            for (String key : S3_ONLY_KEYS) {
                if (m.has(key)) {
                    m.problem(key, "is not used by a file:// target",
                            "remove it: " + String.join(", ", S3_ONLY_KEYS) + " only apply to s3:// targets");
                }
            }
            if (problems.count() != before) {
                return Optional.empty();
            }
            return Optional.of(new TargetConfig(m.name(), url.get(), Optional.empty(), Optional.empty(), false,
                    TargetConfig.ChecksumMode.SHA256, Optional.empty(), DEFAULT_PART_SIZE,
                    CredentialsConfig.defaultChain(), CredentialsConfig.defaultChain(), m.line(), auditSchedule));
        }

        Optional<String> region = m.optionalString("region");
        if (region.isPresent() && !REGION.matcher(region.get()).matches()) {
            m.problem("region", ProblemList.quote(region.get()) + " is not a region name", "e.g. region: eu-central-1");
        }
        Optional<URI> endpoint = m.optionalString("endpoint").flatMap(e -> parseEndpoint(m, "endpoint", e));
        boolean pathStyle = m.optionalBoolean("path_style").orElse(false);
        TargetConfig.ChecksumMode checksum = m.optionalChoice("checksum", List.of("sha256", "off"))
                .map(c -> c.equals("off") ? TargetConfig.ChecksumMode.OFF : TargetConfig.ChecksumMode.SHA256)
                .orElse(TargetConfig.ChecksumMode.SHA256);
        Optional<ObjectLockConfig> objectLock = m.optionalMapping("object_lock",
                "object_lock: { mode: COMPLIANCE, retain_days: 30 }").flatMap(this::readObjectLock);
        long partSize = readPartSize(m);
        Optional<CredentialsConfig> write = readCredentials(m, "write_credentials");
        Optional<CredentialsConfig> read = readCredentials(m, "read_credentials");
        requireSeparateRoles(m, write, read);

        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new TargetConfig(m.name(), url.orElseThrow(), region, endpoint, pathStyle, checksum,
                objectLock, partSize, write.orElseThrow(), read.orElseThrow(), m.line(), auditSchedule));
    }

    /** {@code s3://bucket[/prefix]} or {@code file:///absolute/dir}. */
    private static Optional<URI> parseTargetUrl(YamlMapping m, String text) {
        if (text.contains("@")) {
            // s3://KEY:SECRET@bucket would otherwise be quoted back in the next message.
            m.problem("url", "must not contain credentials (user:password@ or key@)",
                    "remove them; S3 credentials come from write_credentials and read_credentials");
            return Optional.empty();
        }
        if (text.startsWith("s3://")) {
            return parseS3Url(m, text);
        }
        if (text.startsWith("file:")) {
            return parseFileUrl(m, text);
        }
        m.problem("url", ProblemList.quote(text) + " is not an s3:// or file:// URL",
                "write s3://BUCKET/PREFIX for the backup account's bucket (a non-AWS server goes in endpoint),"
                        + " or file:///absolute/dir for trials");
        return Optional.empty();
    }

    private static Optional<URI> parseS3Url(YamlMapping m, String text) {
        String rest = text.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (bucket.isEmpty()) {
            m.problem("url", ProblemList.quote(text) + " names no bucket", "write s3://BUCKET/PREFIX, e.g. s3://lifeboat-backups/prod");
            return Optional.empty();
        }
        Optional<Defect> bucketDefect = S3BucketName.check(bucket);
        if (bucketDefect.isPresent()) {
            m.problem("url", "bucket " + bucketDefect.get().message(), bucketDefect.get().hint());
            return Optional.empty();
        }
        if (!prefix.isEmpty()) {
            // Safe characters only: the prefix ends up in object keys, IAM policies and shell commands.
            boolean badSegment = Stream.of(prefix.split("/", -1)).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."));
            if (!S3_PREFIX.matcher(prefix).matches() || badSegment) {
                m.problem("url", "prefix " + ProblemList.quote(prefix) + " has characters or segments lifeboat does not accept",
                        "use letters, digits and ! - _ . * ' ( ) separated by single slashes, no . or .. segments,"
                                + " e.g. s3://lifeboat-backups/prod");
                return Optional.empty();
            }
        }
        return Optional.of(URI.create("s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)));
    }

    private static Optional<URI> parseFileUrl(YamlMapping m, String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            m.problem("url", ProblemList.quote(text) + " is not a valid URL",
                    "write file:///absolute/dir; encode spaces as %20");
            return Optional.empty();
        }
        if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
            m.problem("url", ProblemList.quote(text) + " does not name an absolute directory",
                    "write file:///absolute/dir (three slashes)");
            return Optional.empty();
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            m.problem("url", ProblemList.quote(text) + " names the host " + ProblemList.quote(uri.getRawAuthority())
                            + ", not a local directory",
                    "a file URL has three slashes: file:///" + uri.getRawAuthority() + uri.getRawPath());
            return Optional.empty();
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            m.problem("url", ProblemList.quote(text) + " has a query or fragment", "write file:///absolute/dir");
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    private static Optional<URI> parseEndpoint(YamlMapping m, String key, String text) {
        if (text.contains("@")) {
            m.problem(key, "must not contain credentials (user:password@)",
                    "remove them; S3 credentials come from write_credentials and read_credentials");
            return Optional.empty();
        }
        String hint = "e.g. " + key + ": https://s3.example.net or " + key + ": http://127.0.0.1:7480";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            m.problem(key, ProblemList.quote(text) + " is not a valid URL", hint);
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            m.problem(key, ProblemList.quote(text) + " is not an http:// or https:// URL", hint);
            return Optional.empty();
        }
        if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            m.problem(key, ProblemList.quote(text) + " names no host", hint);
            return Optional.empty();
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            m.problem(key, ProblemList.quote(text) + " has a query or fragment", "give the server's base URL, " + hint);
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    private static long readPartSize(YamlMapping m) {
        Optional<YamlMapping.Scalar> scalar = m.optionalScalar("part_size");
        if (scalar.isEmpty()) {
            return DEFAULT_PART_SIZE;
        }
        String text = scalar.get().text();
        String range = "use " + ByteSize.format(MIN_PART_SIZE) + " to " + ByteSize.format(MAX_PART_SIZE)
                + "; the default is " + ByteSize.format(DEFAULT_PART_SIZE);
        OptionalLong bytes = ByteSize.parse(text);
        if (bytes.isEmpty()) {
            m.problem("part_size", ProblemList.quote(text) + " is not a size",
                    "write a whole number and a binary unit, e.g. 16MiB (B, KiB, MiB, GiB; not MB)");
            return DEFAULT_PART_SIZE;
        }
        if (bytes.getAsLong() < MIN_PART_SIZE) {
            m.problem("part_size", ProblemList.quote(text) + " is below S3's minimum part size of "
                    + ByteSize.format(MIN_PART_SIZE), range);
        } else if (bytes.getAsLong() > MAX_PART_SIZE) {
            m.problem("part_size", ProblemList.quote(text) + " is above lifeboat's maximum part size of "
                    + ByteSize.format(MAX_PART_SIZE), range + " (memory use is a small multiple of the part size)");
        }
        return bytes.getAsLong();
    }

    private Optional<ObjectLockConfig> readObjectLock(YamlMapping m) {
        int before = problems.count();
        m.rejectUnknownKeys(OBJECT_LOCK_KEYS);
        List<String> modes = Stream.of(ObjectLockConfig.Mode.values()).map(Enum::name).collect(Collectors.toList());
        Optional<String> mode = m.requireChoice("mode", modes, "mode: COMPLIANCE");
        OptionalInt days = m.requireInt("retain_days", 1, MAX_RETAIN_DAYS,
                "retain for 1 to " + MAX_RETAIN_DAYS + " days; keep at least your longest gap between drills",
                "retain_days: 30");
        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new ObjectLockConfig(ObjectLockConfig.Mode.valueOf(mode.orElseThrow()), days.orElseThrow()));
    }

    /** Absent means the AWS default chain; present but wrong is a problem (and empty). */
    private Optional<CredentialsConfig> readCredentials(YamlMapping target, String key) {
        if (!target.has(key)) {
            return Optional.of(CredentialsConfig.defaultChain());
        }
        return target.optionalMapping(key, key + ": " + CREDENTIALS_EXAMPLE).flatMap(m -> {
            int before = problems.count();
            refuseInlineS3Keys(m);
            m.rejectUnknownKeys(CREDENTIALS_KEYS);
            Optional<String> profile = m.optionalString("profile");
            Optional<Path> file = m.optionalAbsolutePath("credentials_file", "/etc/lifeboat/aws-credentials", false);
            Optional<AssumeRoleConfig> role = readAssumeRole(m);
            if (problems.count() != before) {
                return Optional.empty();
            }
            return Optional.of(new CredentialsConfig(profile, file, role));
        });
    }

    /** {@code role_arn} and its companions; without role_arn none of them may appear. */
    private static Optional<AssumeRoleConfig> readAssumeRole(YamlMapping m) {
        if (!m.has("role_arn")) {
            for (String key : ASSUME_ROLE_KEYS) {
                if (m.has(key)) {
                    m.problem(key, "only applies when a role is assumed",
                            "add role_arn (the writer's or reader's role in the backup account), or remove " + key);
                }
            }
            return Optional.empty();
        }
        Optional<String> arn = m.requireString("role_arn", "role_arn: arn:aws:iam::222222222222:role/lifeboat-writer");
        if (arn.isPresent() && !ROLE_ARN.matcher(arn.get()).matches()) {
            m.problem("role_arn", ProblemList.quote(arn.get()) + " is not an IAM role ARN",
                    "e.g. role_arn: arn:aws:iam::222222222222:role/lifeboat-writer (terraform output writer_role_arn)");
            arn = Optional.empty();
        }
        // The external ID is what keeps another tenant of the same principal from borrowing the
        // role (the confused deputy); the terraform modules always demand one.
        Optional<String> externalId = m.requireString("external_id", "external_id: <the writer_external_id given to terraform>");
        if (externalId.isPresent() && !EXTERNAL_ID.matcher(externalId.get()).matches()) {
            // Not quoted back: it is half of what an impostor needs.
            m.problem("external_id", "is not a valid external ID",
                    "use 2 to 1224 characters of letters, digits and + = , . @ : / _ -");
            externalId = Optional.empty();
        }
        Optional<Duration> duration = m.optionalDuration("session_duration");
        if (duration.isPresent() && (duration.get().compareTo(MIN_SESSION) < 0 || duration.get().compareTo(MAX_SESSION) > 0)) {
            m.problem("session_duration", ProblemList.quote(m.optionalScalar("session_duration").orElseThrow().text())
                            + " is outside what STS grants",
                    "use 15m to 12h (and at most the role's maximum session duration); the credentials are renewed"
                            + " before they expire, so short is fine");
            duration = Optional.empty();
        }
        AssumeRoleConfig.SessionPolicy policy = m.optionalChoice("session_policy", List.of("prefix", "none"))
                .map(p -> p.equals("prefix") ? AssumeRoleConfig.SessionPolicy.PREFIX : AssumeRoleConfig.SessionPolicy.NONE)
                .orElse(AssumeRoleConfig.SessionPolicy.NONE);
        Optional<URI> sts = m.optionalString("sts_endpoint").flatMap(e -> parseEndpoint(m, "sts_endpoint", e));
        if (arn.isEmpty() || externalId.isEmpty() || (m.has("session_duration") && duration.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new AssumeRoleConfig(arn.get(), externalId.get(), duration.orElse(DEFAULT_SESSION), policy, sts));
    }

    /** Drills never use the writer and backups never use the reader: one role for both would undo that. */
    private static void requireSeparateRoles(YamlMapping target, Optional<CredentialsConfig> write, Optional<CredentialsConfig> read) {
        Optional<String> writer = write.flatMap(CredentialsConfig::assumeRole).map(AssumeRoleConfig::roleArn);
        Optional<String> reader = read.flatMap(CredentialsConfig::assumeRole).map(AssumeRoleConfig::roleArn);
        if (writer.isPresent() && writer.equals(reader)) {
            target.problem("read_credentials", "assumes the same role as write_credentials (" + writer.get() + ")",
                    "the writer role may only put and the reader role only get and list: give each its own role"
                            + " (terraform modules writer-role and reader-role)");
        }
    }

    private static void refuseInlineS3Keys(YamlMapping m) {
        for (String key : INLINE_S3_KEYS) {
            m.refuse(key, "inline S3 keys are not accepted: put them in a credentials file readable only by"
                            + " lifeboat's user and set credentials_file (and profile)",
                    "e.g. write_credentials: " + CREDENTIALS_EXAMPLE + "; if this file was ever shared, rotate the key");
        }
    }

    // ---- sandbox servers ------------------------------------------------------------------

    private Map<String, SandboxServerConfig> readSandboxes(YamlMapping section, Map<String, SourceConfig> sources) {
        Map<String, SandboxServerConfig> sandboxes = new LinkedHashMap<>();
        section.namedMappings(SANDBOX_EXAMPLE).forEach((name, m) ->
                readSandbox(m, sources).ifPresent(server -> sandboxes.put(name, server)));
        return sandboxes;
    }

    private Optional<SandboxServerConfig> readSandbox(YamlMapping m, Map<String, SourceConfig> sources) {
        int before = problems.count();
        checkName(m, "sandbox server", "drills name the server by it");
        refuseInlinePasswords(m);
        m.refuse("database", "is not used: each drill creates its own throwaway database on the sandbox server"
                + " and drops it afterwards", "remove it");
        m.rejectUnknownKeys(SANDBOX_KEYS);

        Optional<String> engine = readEngine(m);
        Optional<String> host = m.requireString("host", "host: 10.0.0.5").flatMap(h -> checkHost(m, h));
        OptionalInt port = readPort(m, engine);
        Optional<String> user = m.requireString("user", "user: lifeboat_drill");
        Optional<Path> passwordFile = m.optionalAbsolutePath("password_file",
                "/etc/lifeboat/" + m.name() + ".password", false);
        String sslMode = m.optionalChoice("sslmode", SSL_MODES).orElse(DEFAULT_SSL_MODE);
        if (host.isPresent() && port.isPresent()) {
            refuseSourceServer(m, host.get(), port.getAsInt(), sources);
        }

        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new SandboxServerConfig(m.name(), engine.orElseThrow(), host.orElseThrow(), port.orElseThrow(),
                user.orElseThrow(), passwordFile, sslMode, m.line()));
    }

    /**
     * The sandbox guard, at load time: a drill drops and creates databases on its sandbox
     * server, so that server must not be one that holds a source. The drill library checks
     * again before every restore; this makes the mistake visible on {@code lifeboat check}.
     */
    private static void refuseSourceServer(YamlMapping m, String host, int port, Map<String, SourceConfig> sources) {
        String server = serverIdentity(host);
        for (SourceConfig source : sources.values()) {
            if (source.port() == port && serverIdentity(source.host()).equals(server)) {
                String address = (source.host().contains(":") ? "[" + source.host() + "]" : source.host()) + ":" + source.port();
                m.problem("host", "sandbox server " + ProblemList.quote(m.name()) + " is the server of source "
                                + ProblemList.quote(source.name()) + " (" + address + "): a drill could restore into production",
                        "declare a separate server that holds no production data, or use sandbox: ephemeral or docker");
                return;
            }
        }
    }

    /**
     * What identifies a host for the sandbox guard. Every spelling of this machine (localhost,
     * 127.0.0.0/8, ::1, 0.0.0.0, and socket directories, since a server's socket and its TCP
     * port share the port number) is one host: on one machine, one port is one server.
     * Nothing is resolved: the loader does no network I/O, and the runtime guard sees the
     * addresses actually connected to.
     */
    static String serverIdentity(String host) {
        final String local = "(this machine)";
        if (host.startsWith("/")) {
            return local;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return local;
        }
        Matcher v4 = IPV4.matcher(h);
        if (v4.matches()) {
            int[] octets = new int[4];
            for (int i = 0; i < 4; i++) {
                octets[i] = Integer.parseInt(v4.group(i + 1));
                if (octets[i] > 255) {
                    return h;
                }
            }
            boolean thisMachine = octets[0] == 127 || (octets[0] == 0 && octets[1] == 0 && octets[2] == 0 && octets[3] == 0);
            return thisMachine ? local : octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3];
        }
        if (h.contains(":")) {
            try {
                // The URI parser validates the literal, so getByName below never falls back to DNS.
                new URI("http://[" + h + "]/");
                InetAddress address = InetAddress.getByName(h);
                return address.isLoopbackAddress() || address.isAnyLocalAddress() ? local : address.getHostAddress();
            } catch (URISyntaxException | UnknownHostException e) {
                return h;
            }
        }
        return h;
    }

    // ---- drills ---------------------------------------------------------------------------

    /**
     * What a drill may refer to. A set of names is empty when its section itself is broken
     * (already reported, so references into it are not checked); the maps hold only the entries
     * that were read without problems.
     */
    private record Known(Optional<Set<String>> sourceNames, Map<String, SourceConfig> sources,
                         Optional<Set<String>> sandboxNames, Map<String, SandboxServerConfig> sandboxes) {
    }

    private Map<String, DrillConfig> readDrills(YamlMapping section, Known known) {
        Map<String, DrillConfig> drills = new LinkedHashMap<>();
        section.namedMappings(DRILL_EXAMPLE).forEach((name, m) ->
                readDrill(m, known).ifPresent(drill -> drills.put(name, drill)));
        return drills;
    }

    private Optional<DrillConfig> readDrill(YamlMapping m, Known known) {
        int before = problems.count();
        checkName(m, "drill", "the name becomes part of the names of the drill's throwaway databases");
        m.rejectUnknownKeys(DRILL_KEYS);

        Optional<String> source = m.requireString("source", "source: shop");
        if (source.isPresent() && known.sourceNames().isPresent() && !known.sourceNames().get().contains(source.get())) {
            m.problem("source", ProblemList.quote(source.get()) + " is not defined under sources",
                    undefinedHint(source.get(), known.sourceNames().get(), "sources", SOURCE_EXAMPLE));
        }
        Optional<SandboxKind> sandbox = m.has("sandbox")
                ? m.optionalChoice("sandbox", SandboxKind.configNames()).flatMap(SandboxKind::fromConfigName)
                : Optional.of(SandboxKind.EPHEMERAL);
        Optional<String> sandboxServer = sandbox.flatMap(kind -> readSandboxServerName(m, kind, source, known));
        Optional<String> image = sandbox.flatMap(kind -> readImage(m, kind));
        String schedule = m.optionalString("schedule").orElse(DrillConfig.DEFAULT_SCHEDULE);
        QuartzCronSyntax.check(schedule).ifPresent(d -> m.problem("schedule", d.message(), d.hint()));
        Optional<Duration> maxBackupAge = m.optionalDuration("max_backup_age");
        Optional<Duration> maxRestoreTime = m.optionalDuration("max_restore_time");
        double tolerance = readTolerance(m);
        Duration checkTimeout = m.optionalDuration("check_timeout").orElse(DrillConfig.DEFAULT_CHECK_TIMEOUT);
        List<CheckConfig> checks = new ArrayList<>();
        Map<String, Integer> checkNames = new HashMap<>();
        m.optionalMappingList("checks", CHECK_EXAMPLE).ifPresent(items -> {
            for (YamlMapping item : items) {
                readCheck(item, checkTimeout, checkNames).ifPresent(checks::add);
            }
        });

        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new DrillConfig(m.name(), source.orElseThrow(), sandbox.orElseThrow(), sandboxServer, image,
                schedule, maxBackupAge, maxRestoreTime, tolerance, checkTimeout, checks, m.line()));
    }

    /** Required with {@code sandbox: server} and refused with the other kinds. */
    private static Optional<String> readSandboxServerName(YamlMapping m, SandboxKind kind, Optional<String> source,
                                                          Known known) {
        if (kind != SandboxKind.SERVER) {
            if (m.has("sandbox_server")) {
                m.problem("sandbox_server", "is only used with sandbox: server; this drill's sandbox is " + kind.configName()
                                + (m.has("sandbox") ? "" : " (the default)"),
                        "set sandbox: server to restore into that server, or remove sandbox_server");
            }
            return Optional.empty();
        }
        if (!m.has("sandbox_server")) {
            m.problem("sandbox_server", "is required with sandbox: server",
                    "name the server under sandboxes: that the drill restores into, e.g. sandbox_server: staging");
            return Optional.empty();
        }
        Optional<String> name = m.optionalString("sandbox_server");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (known.sandboxNames().isPresent() && !known.sandboxNames().get().contains(name.get())) {
            m.problem("sandbox_server", ProblemList.quote(name.get()) + " is not defined under sandboxes",
                    undefinedHint(name.get(), known.sandboxNames().get(), "sandboxes", "sandboxes: { " + SANDBOX_EXAMPLE + " }"));
            return Optional.empty();
        }
        SandboxServerConfig server = known.sandboxes().get(name.get());
        SourceConfig restored = source.map(known.sources()::get).orElse(null);
        if (server != null && restored != null && !server.engine().equals(restored.engine())) {
            m.problem("sandbox_server", "sandbox server " + ProblemList.quote(server.name()) + " runs " + server.engine()
                            + ", but source " + ProblemList.quote(restored.name()) + " is " + restored.engine(),
                    "a backup restores into a server of its own engine: name a " + restored.engine()
                            + " server under sandboxes:");
        }
        return name;
    }

    /** Only with {@code sandbox: docker}, and pinned to a tag or digest. */
    private static Optional<String> readImage(YamlMapping m, SandboxKind kind) {
        if (!m.has("image")) {
            return Optional.empty();
        }
        if (kind != SandboxKind.DOCKER) {
            m.problem("image", "is only used with sandbox: docker; this drill's sandbox is " + kind.configName()
                            + (m.has("sandbox") ? "" : " (the default)"),
                    "set sandbox: docker to restore into a container of that image, or remove image");
            return Optional.empty();
        }
        Optional<String> image = m.optionalString("image");
        if (image.isEmpty()) {
            return Optional.empty();
        }
        String text = image.get();
        if (text.length() > MAX_IMAGE_LENGTH || !IMAGE.matcher(text).matches()) {
            m.problem("image", ProblemList.quote(text) + " is not a container image reference",
                    "e.g. image: postgres:15 or image: registry.example.net/lifeboat/postgres:15.6");
            return Optional.empty();
        }
        String lastSegment = text.substring(text.lastIndexOf('/') + 1);
        boolean digest = text.contains("@");
        boolean tagged = lastSegment.contains(":");
        if (!digest && (!tagged || lastSegment.endsWith(":latest"))) {
            m.problem("image", ProblemList.quote(text) + " is not pinned to a version: 'latest' changes from one drill to the next",
                    "pin a version, e.g. image: " + lastSegment.split(":")[0] + ":15 (or a digest, @sha256:...)");
            return Optional.empty();
        }
        return image;
    }

    private static double readTolerance(YamlMapping m) {
        Optional<YamlMapping.Scalar> scalar = m.optionalScalar("row_count_tolerance");
        if (scalar.isEmpty()) {
            return 0.0;
        }
        YamlMapping.Scalar s = scalar.get();
        Optional<Defect> defect = Percentage.check(s.text());
        if (defect.isPresent()) {
            m.problem("row_count_tolerance", defect.get().message(), defect.get().hint()
                    + "; it is how far restored row counts may differ from those recorded at dump time");
            return 0.0;
        }
        return Percentage.fraction(s.text());
    }

    private Optional<CheckConfig> readCheck(YamlMapping c, Duration defaultTimeout, Map<String, Integer> namesSeen) {
        int before = problems.count();
        c.rejectUnknownKeys(CHECK_KEYS);
        Optional<String> name = c.requireString("name", "name: orders present");
        if (name.isPresent()) {
            String n = name.get();
            if (n.length() > MAX_CHECK_NAME_LENGTH || n.chars().anyMatch(Character::isISOControl)) {
                c.problem("name", "must be one line of at most " + MAX_CHECK_NAME_LENGTH + " characters",
                        "give a short name that says what the check proves, e.g. name: orders present");
            } else {
                Integer first = namesSeen.putIfAbsent(n, c.keyLine("name"));
                if (first != null) {
                    c.problem("name", "duplicate check name " + ProblemList.quote(n) + ", already used at line " + first,
                            "give each check of a drill its own name: results and alerts name the check");
                }
            }
        }
        Optional<String> sql = c.requireString("sql", "sql: SELECT count(*) FROM orders");
        Optional<String> expect = c.requireString("expect", "expect: \">= 1000\"");
        expect.flatMap(rules.expectationProblem()).ifPresent(message -> c.problem("expect", message, EXPECT_HINT));
        Duration timeout = c.optionalDuration("timeout").orElse(defaultTimeout);

        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new CheckConfig(name.orElseThrow(), sql.orElseThrow(), expect.orElseThrow(), timeout, c.line()));
    }

    // ---- catalog and schedule ---------------------------------------------------------------

    /**
     * A PostgreSQL database (a cluster's shared catalog and job store) or an H2 file. Other JDBC
     * URLs are refused: the catalog's DDL and the scheduler's delegate exist for these two only.
     */
    private Optional<CatalogConfig> readCatalog(YamlMapping c) {
        int before = problems.count();
        refuseInlinePasswords(c);
        c.rejectUnknownKeys(CATALOG_KEYS);
        Optional<String> url = c.requireString("url", "url: jdbc:postgresql://10.0.0.7:5432/lifeboat");
        if (url.isPresent()) {
            String u = url.get();
            String lower = u.toLowerCase(Locale.ROOT);
            if (JDBC_PASSWORD.matcher(u).find() || lower.contains("@")) {
                // Never quoted: what follows password= is the secret.
                c.problem("url", "must not contain a password", "put the password alone in a file readable only by"
                        + " lifeboat's user and set password_file; if this file was ever shared, change the password");
            } else if (lower.startsWith("jdbc:h2:")) {
                if (!lower.startsWith("jdbc:h2:file:/")) {
                    c.problem("url", ProblemList.quote(u) + " is not an H2 file URL with an absolute path",
                            "write e.g. url: jdbc:h2:file:/var/lib/lifeboat/lifeboat, or remove catalog: to use the state directory");
                }
            } else if (!lower.startsWith("jdbc:postgresql://")) {
                c.problem("url", ProblemList.quote(u) + " is not a PostgreSQL or H2 file JDBC URL",
                        "the catalog is jdbc:postgresql://HOST:PORT/DATABASE (shared by a cluster) or"
                                + " jdbc:h2:file:/ABSOLUTE/PATH (one host)");
            }
        }
        Optional<String> user = c.optionalString("user");
        Optional<Path> passwordFile = c.optionalAbsolutePath("password_file", "/etc/lifeboat/catalog.pass", false);
        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new CatalogConfig(url.orElseThrow(), user, passwordFile));
    }

    private ScheduleConfig readSchedule(YamlMapping s) {
        s.rejectUnknownKeys(SCHEDULE_KEYS);
        return new ScheduleConfig(
                s.optionalDuration("grace").orElse(ScheduleConfig.DEFAULT_GRACE),
                s.optionalDuration("shutdown_timeout").orElse(ScheduleConfig.DEFAULT_SHUTDOWN_TIMEOUT),
                s.optionalDuration("trigger_poll").orElse(ScheduleConfig.DEFAULT_TRIGGER_POLL),
                s.optionalAbsolutePath("metrics_file", "/var/lib/prometheus/node-exporter/lifeboat.prom", true));
    }

    // ---- alerts ---------------------------------------------------------------------------

    private Optional<AlertsConfig> readAlerts(YamlMapping a) {
        int before = problems.count();
        a.rejectUnknownKeys(ALERTS_KEYS);
        boolean inline = a.has("webhook_url");
        boolean file = a.has("webhook_url_file");
        Optional<URI> url = Optional.empty();
        if (inline && file) {
            a.problem("webhook_url", "is set together with webhook_url_file; set only one",
                    "keep webhook_url_file and remove webhook_url: a webhook URL is a secret");
        } else if (!inline && !file) {
            a.problemHere("names no webhook", "add webhook_url_file: /etc/lifeboat/webhook.url (a file holding the URL),"
                    + " or remove alerts:");
        } else if (inline) {
            url = a.optionalString("webhook_url").flatMap(u -> parseInlineWebhook(a, u));
        }
        Optional<Path> urlFile = Optional.empty();
        if (a.node("webhook_url_file").orElse(null) instanceof ScalarNode scalar && scalar.getValue().contains("://")) {
            a.problem("webhook_url_file", "is a URL itself, not the path of a file holding one", WEBHOOK_FILE_HINT);
        } else {
            urlFile = a.optionalAbsolutePath("webhook_url_file", "/etc/lifeboat/webhook.url", false);
        }
        boolean onPassed = a.optionalBoolean("on_passed").orElse(false);
        Duration timeout = a.optionalDuration("timeout").orElse(AlertsConfig.DEFAULT_TIMEOUT);

        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new AlertsConfig(url, urlFile, onPassed, timeout));
    }

    /**
     * An inline URL, accepted only when it points at this machine. Nothing about it is quoted
     * unless it is known to be a loopback URL: anything else may be a live webhook secret.
     */
    private static Optional<URI> parseInlineWebhook(YamlMapping a, String text) {
        String hint = "write e.g. webhook_url: http://127.0.0.1:8080/alerts for a local relay; for any other"
                + " address, " + WEBHOOK_FILE_HINT;
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            a.problem("webhook_url", "is not a valid URL", hint);
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            a.problem("webhook_url", "is not an http:// or https:// URL", hint);
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null) {
            a.problem("webhook_url", "must not contain credentials (user:password@)", WEBHOOK_FILE_HINT);
            return Optional.empty();
        }
        if (uri.getHost() == null) {
            a.problem("webhook_url", "names no host", hint);
            return Optional.empty();
        }
        if (!serverIdentity(uri.getHost()).equals(serverIdentity("localhost"))) {
            a.problem("webhook_url", INLINE_WEBHOOK_MESSAGE, WEBHOOK_FILE_HINT);
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    // ---- encryption -----------------------------------------------------------------------

    private Optional<EncryptionConfig> readEncryption(YamlMapping e) {
        int before = problems.count();
        e.rejectUnknownKeys(ENCRYPTION_KEYS);
        List<String> recipients = new ArrayList<>();
        Node raw = e.node("recipients").orElse(null);
        if (raw instanceof ScalarNode scalar && looksLikePrivateKey(scalar.getValue())) {
            e.problem("recipients", PRIVATE_KEY_MESSAGE, privateKeyHint());
        } else if (raw instanceof SequenceNode sequence && sequence.getValue().isEmpty()) {
            e.problem("recipients", "lists no recipients",
                    "add at least one: " + RECIPIENTS_EXAMPLE + " with the public key age-keygen prints");
        } else {
            e.requireScalarList("recipients", RECIPIENTS_EXAMPLE).ifPresent(items -> {
                for (YamlMapping.Scalar item : items) {
                    checkRecipient(item).ifPresent(recipients::add);
                }
            });
        }

        Optional<Path> identityFile = Optional.empty();
        if (e.node("identity_file").orElse(null) instanceof ScalarNode scalar && looksLikePrivateKey(scalar.getValue())) {
            e.problem("identity_file", "is an age private key itself, not the path of a file holding one",
                    "put the key in a file only the drill user can read (e.g. /etc/lifeboat/drill.agekey, chmod 600)"
                            + " and name that file here; if this file was ever shared, generate a new key pair");
        } else {
            identityFile = e.optionalAbsolutePath("identity_file", "/etc/lifeboat/drill.agekey", false);
        }

        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new EncryptionConfig(recipients, identityFile));
    }

    /** The recipient if it is an age X25519 public key; otherwise a problem and empty. */
    private Optional<String> checkRecipient(YamlMapping.Scalar item) {
        String text = item.text().trim();
        if (looksLikePrivateKey(text)) {
            problems.add(item.line(), item.key(), PRIVATE_KEY_MESSAGE, privateKeyHint());
            return Optional.empty();
        }
        if (text.startsWith("ssh-") || text.startsWith("ecdsa-")) {
            problems.add(item.line(), item.key(), "SSH keys are not supported as recipients",
                    "use an age X25519 recipient: age-keygen prints one as 'public key: age1...'");
            return Optional.empty();
        }
        if (!text.startsWith("age1")) {
            problems.add(item.line(), item.key(), ProblemList.quote(text) + " is not an age recipient",
                    "age X25519 recipients start with age1; age-keygen prints one as 'public key: age1...'");
            return Optional.empty();
        }
        try {
            X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(text);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // The library's message is not shown: it is written for developers, not operators.
            String length = text.length() == AGE_RECIPIENT_LENGTH ? ""
                    : " (it has " + text.length() + " characters, a recipient has " + AGE_RECIPIENT_LENGTH + ")";
            problems.add(item.line(), item.key(), ProblemList.quote(text) + " is not a valid age X25519 recipient" + length,
                    "copy it again from age-keygen's 'public key:' line, or run age-keygen -y on the key file;"
                            + " plugin recipients (age1yubikey1...) are not supported");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    private static boolean looksLikePrivateKey(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("AGE-SECRET-KEY-") || upper.startsWith("AGE-PLUGIN-");
    }

    private static String privateKeyHint() {
        return "list only the public key (age-keygen -y KEYFILE prints it); keep the private key offline or in"
                + " identity_file on the drill host, and since it has been in this file, generate a new key pair";
    }
}
