package io.lifeboat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.ExitCode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertEquals(new CompressionConfig(3), config.compression());
        assertEquals(List.of("shop"), List.copyOf(config.sources().keySet()));
        SourceConfig shop = new SourceConfig("shop", "postgres", "127.0.0.1", 5432, "shop", "postgres",
                Optional.of(Path.of("/etc/lifeboat/shop.pgpass")), "prefer", "vault", Optional.of("0 0 * * * ?"), 6);
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
    void omittedSettingsTakeTheirDefaults() throws Exception {
        String yaml = Files.readString(resource("minimal.yaml"));

        LifeboatConfig config = parse(yaml, ALICE);

        assertEquals(Path.of("/home/alice/.local/state/lifeboat"), config.stateDir());
        assertEquals(CompressionConfig.defaults(), config.compression());
        assertEquals(List.of("shop", "billing"), List.copyOf(config.sources().keySet()), "file order is kept");
        assertEquals(new SourceConfig("shop", "postgres", "db.internal", 5432, "shop", "backup",
                Optional.empty(), "prefer", "vault", Optional.empty(), 3), config.source("shop"));
        assertEquals(new SourceConfig("billing", "mariadb", "/var/run/mysqld", 3306, "billing", "backup",
                Optional.empty(), "prefer", "trial", Optional.empty(), 9), config.source("billing"));

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
}
