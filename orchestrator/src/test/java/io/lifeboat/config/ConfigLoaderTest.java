package io.lifeboat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.ExitCode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The loader on good files, on the defaults it fills in, and on problems outside the corpus. */
class ConfigLoaderTest {
    /** A real age X25519 public key; its private key was discarded. */
    static final String RECIPIENT = "age17k79km4ek2ryryj4gq2vdca724ejt63kykxvwhmqgaj0cwxqusdq2fp6qd";
    private static final Set<String> POSTGRES = Set.of("postgres");
    private static final HostEnvironment ALICE = new HostEnvironment(Map.of(), "alice", Path.of("/home/alice"));

    static Path resource(String name) throws Exception {
        return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
    }

    private static LifeboatConfig parse(String yaml, HostEnvironment host) {
        return ConfigLoader.parse(yaml, Path.of("test.yaml"), Set.of("postgres", "mariadb"), host);
    }

    private static final Set<String> TWO_ENGINES = Set.of("postgres", "mariadb");

    private static LifeboatConfig parseWithRules(String yaml) {
        return ConfigLoader.parse(yaml, Path.of("test.yaml"), TestExpectations.rules(TWO_ENGINES), ALICE);
    }

    private static List<ConfigProblem> problemsOf(String yaml) {
        return assertThrows(ConfigException.class, () -> parseWithRules(yaml)).problems();
    }

    /** A valid file (source {@code shop} on 127.0.0.1:5432) followed by {@code extra} top-level sections. */
    private static String withSections(String extra) {
        return withSourceLines().replace("host: db", "host: 127.0.0.1") + extra;
    }

    /** A valid file with {@code extra} lines added to its source {@code shop}. */
    private static String withSourceLines(String... extra) {
        return "sources:\n  shop:\n    engine: postgres\n    host: db\n    database: shop\n    user: u\n    target: vault\n"
                + String.join("", List.of(extra).stream().map(l -> "    " + l + "\n").toList())
                + "targets:\n  vault:\n    url: s3://lifeboat-backups\n"
                + "encryption:\n  recipients: [ " + RECIPIENT + " ]\n";
    }

    @Test
    void theIssueExampleLoadsAsWritten() throws Exception {
        Path file = resource("example.yaml");

        LifeboatConfig config = ConfigLoader.load(file, POSTGRES);

        assertEquals(file, config.file());
        assertEquals(Path.of("/var/lib/lifeboat"), config.stateDir());
        assertEquals(new CompressionConfig(3, CompressionConfig.DEFAULT_THREADS), config.compression());
        assertEquals(List.of("shop"), List.copyOf(config.sources().keySet()));
        SourceConfig shop = new SourceConfig("shop", "postgres", "127.0.0.1", 5432, "shop", "postgres",
                Optional.of(Path.of("/etc/lifeboat/shop.pgpass")), "prefer", "vault", Optional.of("0 0 * * * ?"), false, 6);
        assertEquals(shop, config.source("shop"));
        TargetConfig vault = new TargetConfig("vault", URI.create("s3://lifeboat-backups/prod"),
                Optional.of("eu-central-1"), Optional.of(URI.create("http://127.0.0.1:7480")), true,
                TargetConfig.ChecksumMode.SHA256,
                Optional.of(new ObjectLockConfig(ObjectLockConfig.Mode.COMPLIANCE, 30)), 16L * 1024 * 1024,
                new CredentialsConfig(Optional.of("lifeboat-writer"), Optional.of(Path.of("/etc/lifeboat/aws-credentials"))),
                new CredentialsConfig(Optional.of("lifeboat-reader"), Optional.empty()), 17);
        assertEquals(Map.of("vault", vault), config.targets());
        assertEquals(vault, config.targetOf(shop));
        assertEquals(TargetConfig.Kind.S3, vault.kind());
        assertEquals("lifeboat-backups", vault.bucket());
        assertEquals("prod", vault.prefix());
        assertFalse(vault.insideBlastRadius());
        assertEquals(new EncryptionConfig(List.of(RECIPIENT), Optional.of(Path.of("/etc/lifeboat/drill.agekey"))),
                config.encryption());
    }

    @Test
    void compressionThreadsZeroCompressesOnTheBackupsOwnThread() throws Exception {
        String yaml = Files.readString(resource("minimal.yaml")) + "compression: { level: 9, threads: 0 }\n";

        assertEquals(new CompressionConfig(9, 0), parse(yaml, ALICE).compression());
    }

    @Test
    void omittedSettingsTakeTheirDefaults() throws Exception {
        String yaml = Files.readString(resource("minimal.yaml"));

        LifeboatConfig config = parse(yaml, ALICE);

        assertEquals(Path.of("/home/alice/.local/state/lifeboat"), config.stateDir());
        assertEquals(CompressionConfig.defaults(), config.compression());
        assertEquals(List.of("shop", "billing"), List.copyOf(config.sources().keySet()), "file order is kept");
        assertEquals(new SourceConfig("shop", "postgres", "db.internal", 5432, "shop", "backup",
                Optional.empty(), "prefer", "vault", Optional.empty(), false, 3), config.source("shop"));
        assertEquals(new SourceConfig("billing", "mariadb", "/var/run/mysqld", 3306, "billing", "backup",
                Optional.empty(), "prefer", "trial", Optional.empty(), false, 9), config.source("billing"));

        assertEquals(List.of("vault", "trial"), List.copyOf(config.targets().keySet()));
        TargetConfig vault = config.targets().get("vault");
        assertEquals(new TargetConfig("vault", URI.create("s3://backups.2024"), Optional.empty(), Optional.empty(),
                false, TargetConfig.ChecksumMode.SHA256, Optional.empty(), 16L * 1024 * 1024,
                CredentialsConfig.defaultChain(), CredentialsConfig.defaultChain(), 16), vault);
        assertEquals("backups.2024", vault.bucket(), "a bucket whose last label starts with a digit");
        assertEquals("", vault.prefix());
        TargetConfig trial = config.targets().get("trial");
        assertEquals(TargetConfig.Kind.FILE, trial.kind());
        assertEquals(URI.create("file:///srv/lifeboat-trial"), trial.url());
        assertEquals(Path.of("/srv/lifeboat-trial"), Path.of(trial.url()));
        assertTrue(trial.insideBlastRadius());
        assertEquals(18, trial.line());

        assertEquals(new EncryptionConfig(List.of(RECIPIENT), Optional.empty()), config.encryption());
    }

    @Test
    void stateDirDefaultFollowsEnvironmentThenUserThenXdg() {
        String yaml = withSourceLines();
        assertEquals(Path.of("/srv/state"), parse(yaml,
                new HostEnvironment(Map.of("LIFEBOAT_STATE_DIR", "/srv/state"), "root", Path.of("/root"))).stateDir());
        assertEquals(Path.of("/var/lib/lifeboat"), parse(yaml,
                new HostEnvironment(Map.of("XDG_STATE_HOME", "/x"), "root", Path.of("/root"))).stateDir());
        assertEquals(Path.of("/home/alice/.state/lifeboat"), parse(yaml,
                new HostEnvironment(Map.of("XDG_STATE_HOME", "/home/alice/.state"), "alice", Path.of("/home/alice"))).stateDir());
        assertEquals(Path.of("/home/alice/.local/state/lifeboat"), parse(yaml,
                new HostEnvironment(Map.of("XDG_STATE_HOME", "relative/state"), "alice", Path.of("/home/alice"))).stateDir(),
                "the XDG spec says to ignore relative values");
        assertEquals(Path.of("/opt/lb"), parse("state_dir: /opt/lb\n" + yaml,
                new HostEnvironment(Map.of("LIFEBOAT_STATE_DIR", "/srv/state"), "root", Path.of("/root"))).stateDir(),
                "the file wins over the environment");
    }

    @Test
    void relativeStateDirFromEnvironmentIsAProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(withSourceLines(),
                new HostEnvironment(Map.of("LIFEBOAT_STATE_DIR", "state"), "alice", Path.of("/home/alice"))));

        assertEquals(List.of(new ConfigProblem(Path.of("test.yaml"), 0, "state_dir",
                        "$LIFEBOAT_STATE_DIR is 'state', not an absolute path",
                        "set $LIFEBOAT_STATE_DIR to an absolute path, or set state_dir in the file")),
                e.problems());
    }

    @Test
    void missingFileNamesTheWaysToPointAtOne(@TempDir Path dir) {
        Path file = dir.resolve("lifeboat.yaml");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, POSTGRES));

        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals(1, e.problems().size());
        ConfigProblem p = e.problems().get(0);
        assertEquals(new ConfigProblem(file, 0, "(file)", "file not found", p.hint()), p);
        assertTrue(p.hint().contains("--config"), p.hint());
        assertTrue(p.hint().contains("$LIFEBOAT_CONFIG"), p.hint());
        assertEquals("invalid configuration: " + file + ": (file): file not found (hint: " + p.hint() + ")", e.getMessage());
    }

    @Test
    void aDirectoryIsNotAConfigurationFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, POSTGRES));

        assertEquals("is a directory, not a file", e.problems().get(0).message());
    }

    @Test
    void oneFileWithThreeProblemsReportsAllThreeInFileOrder() throws Exception {
        Path file = resource("bad/three-problems.yaml");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, POSTGRES));

        assertEquals(List.of(
                new ConfigProblem(file, 4, "compression.level", "0 is out of range",
                        "zstd levels run from 1 (fastest) to 19 (smallest); 3 is the default"),
                new ConfigProblem(file, 12, "sources.shop.port", "'abc' is not a whole number",
                        "use the TCP port the server listens on, 1 to 65535"),
                new ConfigProblem(file, 13, "sources.shop.sslmode",
                        "'verify' is not one of disable, allow, prefer, require, verify-ca, verify-full",
                        "use one of disable, allow, prefer, require, verify-ca, verify-full")),
                e.problems());
        assertTrue(e.getMessage().startsWith("invalid configuration (3 problems):\n  " + file + ":4: compression.level: "),
                e.getMessage());
    }

    @Test
    void problemsInDifferentSectionsAreAllReported() {
        String yaml = "compression: { level: 99 }\n" + withSourceLines("port: 0").replace("s3://lifeboat-backups", "s3://UPPER")
                + "  identity_file: key.txt\n";

        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml, ALICE));

        assertEquals(List.of("compression.level", "sources.shop.port", "targets.vault.url", "encryption.identity_file"),
                e.problems().stream().map(ConfigProblem::key).toList());
    }

    @Test
    void digitStringsAreAcceptedForPortsAndYamlWordsAreReadAsText() {
        LifeboatConfig config = parse(withSourceLines("port: \"6432\"").replace("database: shop", "database: 2024")
                .replace("url: s3://lifeboat-backups", "url: s3://lifeboat-backups\n    checksum: off"), ALICE);

        assertEquals(6432, config.source("shop").port());
        assertEquals("2024", config.source("shop").database());
        assertEquals(TargetConfig.ChecksumMode.OFF, config.targets().get("vault").checksum(),
                "YAML 1.1 reads a bare off as a boolean; here it is the word");
    }

    @Test
    void unknownEngineHintListsEveryKnownEngineInOrder() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(withSourceLines().replace("engine: postgres", "engine: oracle"), ALICE));

        assertEquals("known engines: mariadb, postgres", e.problems().get(0).hint());
    }

    @Test
    void engineWithoutDefaultPortNeedsOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                withSourceLines().replace("engine: postgres", "engine: cockroach"), Path.of("test.yaml"),
                Set.of("cockroach"), ALICE));

        assertEquals(List.of(new ConfigProblem(Path.of("test.yaml"), 2, "sources.shop.port",
                "is required: engine 'cockroach' has no default port", "add e.g. port: 5432")), e.problems());
    }

    @Test
    void syntaxErrorsDoNotRepeatTheFilesText() {
        String yaml = "sources:\n  shop:\n    password: \"hunter2-correct-horse\n";

        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml, ALICE));

        assertEquals("(syntax)", e.problems().get(0).key());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aliasesThatStayWithinTheLimitAreAllowed() {
        String yaml = withSourceLines().replace("  shop:\n", "  shop: &pg\n")
                + "";
        LifeboatConfig config = parse(yaml.replace("targets:", "  shop2: *pg\ntargets:"), ALICE);

        assertEquals(List.of("shop", "shop2"), List.copyOf(config.sources().keySet()));
        assertEquals("shop2", config.source("shop2").name());
    }

    @Test
    void theResultCannotBeModified() {
        LifeboatConfig config = parse(withSourceLines(), ALICE);

        assertThrows(UnsupportedOperationException.class, () -> config.sources().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.targets().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.encryption().recipients().clear());
    }

    // ---- drills, sandboxes, alerts ----------------------------------------------------------

    @Test
    void theIssueDrillExampleLoadsAsWritten() throws Exception {
        Path file = resource("drills.yaml");

        LifeboatConfig config = ConfigLoader.load(file, TestExpectations.RULES);

        assertEquals(List.of("shop-quarterly"), List.copyOf(config.drills().keySet()));
        DrillConfig drill = config.drill("shop-quarterly");
        assertEquals(new DrillConfig("shop-quarterly", "shop", SandboxKind.EPHEMERAL, Optional.empty(), Optional.empty(),
                "0 0 3 1 1,4,7,10 ?", Optional.of(Duration.ofHours(26)), Optional.of(Duration.ofMinutes(30)), 0.0,
                Duration.ofSeconds(30), List.of(
                        new CheckConfig("orders present", "SELECT count(*) FROM orders", ">= 1000", Duration.ofSeconds(30), 22),
                        new CheckConfig("recent orders",
                                "SELECT max(created_at) > now() - interval '2 days' FROM orders", "true",
                                Duration.ofSeconds(30), 25)),
                15), drill);
        assertEquals(config.source("shop"), config.sourceOf(drill));
        assertFalse(config.source("shop").canary(), "canary is off unless asked for");
        assertEquals(Optional.empty(), config.sandboxServerOf(drill));
        assertEquals(Map.of(), config.sandboxes());
        assertEquals(Optional.empty(), config.alerts());
    }

    @Test
    void everyDrillSettingIsRead() throws Exception {
        LifeboatConfig config = ConfigLoader.load(resource("drills-full.yaml"), TestExpectations.rules(TWO_ENGINES));

        assertTrue(config.source("shop").canary());
        assertFalse(config.source("billing").canary());

        assertEquals(List.of("staging", "scratch"), List.copyOf(config.sandboxes().keySet()));
        SandboxServerConfig staging = new SandboxServerConfig("staging", "postgres", "10.0.0.5", 5433, "lifeboat_drill",
                Optional.of(Path.of("/etc/lifeboat/staging.pass")), "require", 24);
        assertEquals(staging, config.sandboxes().get("staging"));
        assertEquals(new SandboxServerConfig("scratch", "mariadb", "127.0.0.1", 3306, "lifeboat_drill",
                Optional.empty(), "prefer", 31), config.sandboxes().get("scratch"), "port and sslmode default as for sources");

        assertEquals(List.of("shop-on-staging", "shop-in-docker", "billing-on-scratch", "shop-defaults"),
                List.copyOf(config.drills().keySet()), "file order is kept");
        DrillConfig onStaging = config.drill("shop-on-staging");
        assertEquals(new DrillConfig("shop-on-staging", "shop", SandboxKind.SERVER, Optional.of("staging"), Optional.empty(),
                "0 30 2 ? * SUN", Optional.of(Duration.ofHours(36)), Optional.of(Duration.ofMinutes(45)), 0.025,
                Duration.ofSeconds(90), List.of(
                        new CheckConfig("orders present", "SELECT count(*) FROM orders", ">= 1000", Duration.ofMillis(500), 46),
                        new CheckConfig("customers present", "SELECT count(*)\nFROM customers\n", ">= 1",
                                Duration.ofSeconds(90), 50)),
                36), onStaging);
        assertEquals(Optional.of(staging), config.sandboxServerOf(onStaging));

        DrillConfig inDocker = config.drill("shop-in-docker");
        assertEquals(SandboxKind.DOCKER, inDocker.sandbox());
        assertEquals(Optional.of("registry.example.net/lifeboat/postgres:15.6"), inDocker.image());
        assertEquals(1.0, inDocker.rowCountTolerance());
        assertEquals(Optional.empty(), inDocker.sandboxServer());

        assertEquals("scratch", config.sandboxServerOf(config.drill("billing-on-scratch")).orElseThrow().name());

        assertEquals(new AlertsConfig(Optional.empty(), Optional.of(Path.of("/etc/lifeboat/webhook.url")), true,
                Duration.ofSeconds(2)), config.alerts().orElseThrow());
    }

    @Test
    void drillSettingsTakeTheirDefaults() throws Exception {
        LifeboatConfig config = ConfigLoader.load(resource("drills-full.yaml"), TestExpectations.rules(TWO_ENGINES));

        assertEquals(new DrillConfig("shop-defaults", "shop", SandboxKind.EPHEMERAL, Optional.empty(), Optional.empty(),
                DrillConfig.DEFAULT_SCHEDULE, Optional.empty(), Optional.empty(), 0.0, Duration.ofSeconds(30), List.of(), 64),
                config.drill("shop-defaults"));
        assertEquals("0 0 3 1 1,4,7,10 ?", DrillConfig.DEFAULT_SCHEDULE);
        assertEquals(Optional.empty(), QuartzCronSyntax.check(DrillConfig.DEFAULT_SCHEDULE));

        LifeboatConfig alertsDefaults = parseWithRules(withSections("alerts:\n  webhook_url_file: /etc/lifeboat/hook\n"));
        assertEquals(new AlertsConfig(Optional.empty(), Optional.of(Path.of("/etc/lifeboat/hook")), false,
                Duration.ofSeconds(10)), alertsDefaults.alerts().orElseThrow());
        assertEquals(Map.of(), alertsDefaults.drills());
    }

    @Test
    void sandboxKindsHaveTheirConfigurationNames() {
        assertEquals(List.of("ephemeral", "server", "docker"), SandboxKind.configNames());
        assertEquals(Optional.of(SandboxKind.DOCKER), SandboxKind.fromConfigName("docker"));
        assertEquals(Optional.empty(), SandboxKind.fromConfigName("Docker"));
    }

    @Test
    void drillLookupSuggestsTheClosestNameAndListsThem() throws Exception {
        Path file = resource("drills-full.yaml");
        LifeboatConfig config = ConfigLoader.load(file, TestExpectations.rules(TWO_ENGINES));

        ConfigException e = assertThrows(ConfigException.class, () -> config.drill("shop-on-stagign"));

        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals(List.of(new ConfigProblem(file, 0, "drills.shop-on-stagign", "no drill named 'shop-on-stagign'",
                "did you mean 'shop-on-staging'? configured drills: billing-on-scratch, shop-defaults, shop-in-docker,"
                        + " shop-on-staging")), e.problems());
        assertEquals("the file declares no drills", assertThrows(ConfigException.class,
                () -> parseWithRules(withSourceLines()).drill("x")).problems().get(0).hint());
        assertEquals("did you mean 'shop'? configured sources: billing, shop",
                assertThrows(ConfigException.class, () -> config.source("shpo")).problems().get(0).hint());
    }

    @Test
    void theExpectationValidatorsMessageArrivesWithLineAndKey() {
        String yaml = withSections("drills:\n  d:\n    source: shop\n    checks:\n"
                + "      - { name: a, sql: SELECT 1, expect: \">= 1\" }\n"
                + "      - name: b\n        sql: SELECT 2\n        expect: \"between 1 and 3\"\n");

        assertEquals(List.of(new ConfigProblem(Path.of("test.yaml"), 20, "drills.d.checks[1].expect",
                        "test validator: 'between 1 and 3' is neither '>= N' nor 'true'",
                        "expectations are >= N, <= N, = VALUE, true, between A and B, or matches /REGEX/;"
                                + " quote them, e.g. expect: \">= 1000\"")),
                problemsOf(yaml));
        assertEquals("between 1 and 3", ConfigLoader.parse(yaml, Path.of("test.yaml"), TWO_ENGINES)
                        .drill("d").checks().get(1).expect(),
                "the overloads without rules accept any expectation: the application passes the real check");
    }

    @Test
    void aSandboxServerMustRunTheSourcesEngine() {
        String yaml = withSections("sandboxes:\n  scratch: { engine: mariadb, host: 10.0.0.9, user: u }\n"
                + "drills:\n  d:\n    source: shop\n    sandbox: server\n    sandbox_server: scratch\n");

        assertEquals(List.of(new ConfigProblem(Path.of("test.yaml"), 19, "drills.d.sandbox_server",
                        "sandbox server 'scratch' runs mariadb, but source 'shop' is postgres",
                        "a backup restores into a server of its own engine: name a postgres server under sandboxes:")),
                problemsOf(yaml));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "LOCALHOST.", "::1", "\"[::1]\"", "0:0:0:0:0:0:0:1", "127.0.1.1",
            "0.0.0.0", "/var/run/postgresql", "::ffff:127.0.0.1", "db.localhost"})
    void everySpellingOfThisMachineIsTheSourcesServer(String host) {
        String yaml = withSections("sandboxes:\n  x:\n    engine: postgres\n    host: " + host + "\n    user: u\n");

        assertEquals(List.of(new ConfigProblem(Path.of("test.yaml"), 16, "sandboxes.x.host",
                        "sandbox server 'x' is the server of source 'shop' (127.0.0.1:5432): a drill could restore into production",
                        "declare a separate server that holds no production data, or use sandbox: ephemeral or docker")),
                problemsOf(yaml));
    }

    @Test
    void aSandboxServerOnAnotherPortOrHostIsAccepted() {
        LifeboatConfig config = parseWithRules(withSections("sandboxes:\n"
                + "  same-host: { engine: postgres, host: localhost, port: 5433, user: u }\n"
                + "  other-host: { engine: postgres, host: 10.0.0.5, user: u }\n"
                + "  named: { engine: postgres, host: staging.internal, user: u }\n"));

        assertEquals(List.of("same-host", "other-host", "named"), List.copyOf(config.sandboxes().keySet()));
    }

    @Test
    void hostNamesAreComparedWithoutCaseOrTrailingDot() {
        assertEquals(ConfigLoader.serverIdentity("db.internal"), ConfigLoader.serverIdentity("DB.Internal."));
        assertEquals(ConfigLoader.serverIdentity("10.0.0.5"), ConfigLoader.serverIdentity("::ffff:10.0.0.5"));
        assertEquals(ConfigLoader.serverIdentity("2001:db8::1"), ConfigLoader.serverIdentity("[2001:DB8:0:0:0:0:0:1]"));
        assertFalse(ConfigLoader.serverIdentity("10.0.0.5").equals(ConfigLoader.serverIdentity("10.0.0.50")));
        assertFalse(ConfigLoader.serverIdentity("localhost.example.com").equals(ConfigLoader.serverIdentity("localhost")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/alerts", "http://localhost/hook", "https://[::1]:9443/x", "http://127.0.0.2/"})
    void anInlineWebhookUrlIsAcceptedForThisMachine(String url) {
        LifeboatConfig config = parseWithRules(withSections("alerts:\n  webhook_url: " + url + "\n"));

        assertEquals(new AlertsConfig(Optional.of(URI.create(url)), Optional.empty(), false, Duration.ofSeconds(10)),
                config.alerts().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.slack.com/services/T000/B000/SECRETSECRET", "http://127.0.0.1.nip.io/SECRETSECRET",
            "ftp://files.example.com/SECRETSECRET", "https://user:SECRETSECRET@127.0.0.1/", "not a url SECRETSECRET",
            "https://hooks_slack.com/SECRETSECRET"})
    void noWebhookUrlIsEverQuotedUnlessItIsLocal(String url) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parseWithRules(withSections("alerts:\n  webhook_url: \"" + url + "\"\n")));

        assertEquals(List.of("alerts.webhook_url"), e.problems().stream().map(ConfigProblem::key).toList());
        assertFalse(e.getMessage().contains("SECRETSECRET"), e.getMessage());
    }

    @Test
    void theNewSectionsCannotBeModified() throws Exception {
        LifeboatConfig config = ConfigLoader.load(resource("drills-full.yaml"), TestExpectations.rules(TWO_ENGINES));

        assertThrows(UnsupportedOperationException.class, () -> config.drills().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.sandboxes().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.drill("shop-on-staging").checks().clear());
    }

    @Test
    void emptyDrillAndSandboxSectionsAreAllowed() {
        LifeboatConfig config = parseWithRules(withSections("sandboxes: {}\ndrills: {}\n"));

        assertEquals(Map.of(), config.drills());
        assertEquals(Map.of(), config.sandboxes());
    }
}
