package io.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.crypto.AgeEncryption;
import io.lifeboat.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line's contract: help and exit codes everywhere, usage errors exit 2, config check. */
class CliTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "backup", "backup run", "backup list", "config", "config check", "demo"})
    void everyCommandHasHelpWithItsExitCodes(String command) {
        String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
        Cli.Run run = Cli.run(args);
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.out().startsWith("Usage: lifeboat"), run.out());
        if (!command.equals("backup") && !command.equals("config")) {
            assertTrue(run.out().contains("Exit codes:"), run.out());
            assertTrue(run.out().contains("  2   "), run.out());
        }
    }

    /** Only the named subcommand's model is built for a run; whatever shows the top level's usage lists them all. */
    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h report", "--help report", "help"})
    void theTopLevelUsageListsEverySubcommand(String args) {
        Cli.Run run = Cli.run(args.split(" "));
        assertEquals(0, run.exitCode(), run.all());
        String usage = run.out();
        for (String command : List.of("demo", "backup", "drill", "restore", "catalog", "report", "serve", "trigger", "audit",
                "config", "help")) {
            assertTrue(usage.contains("\n  " + command + " "), command + " is missing from: " + usage);
        }
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, Cli.run("no-such-command").exitCode());
        assertEquals(2, Cli.run("backup").exitCode());
        assertEquals(2, Cli.run("backup", "run").exitCode());
        assertEquals(2, Cli.run("backup", "run", "shop", "--format", "xml").exitCode());
        Cli.Run missing = Cli.run("--config", dir.resolve("absent.yaml").toString(), "config", "check");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("absent.yaml") && missing.err().contains("not found"), missing.err());
    }

    @Test
    void configCheckValidatesWithoutTouchingAnything() throws Exception {
        String recipient = AgeEncryption.generateKeyPair().recipient();
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, """
                sources:
                  shop: { engine: postgres, host: db.invalid, database: shop, user: backup, target: vault,
                          password_file: /nonexistent/shop.pass }
                targets:
                  vault: { url: "file:///nonexistent/repository" }
                encryption:
                  recipients: [ "%s" ]
                """.formatted(recipient));
        // The config option works before and after the subcommand.
        for (List<String> args : List.of(List.of("--config", good.toString(), "config", "check", "--format", "json"),
                List.of("config", "check", "--config", good.toString(), "--format", "json"))) {
            Cli.Run run = Cli.run(args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.all());
            JsonNode doc = new ObjectMapper().readTree(run.out());
            assertEquals("valid", doc.get("status").asText());
            assertEquals("shop", doc.get("sources").get(0).asText());
            assertTrue(doc.get("warnings").get(0).asText().contains("inside the blast radius"), run.out());
        }
        assertTrue(Files.notExists(Path.of("/nonexistent")), "config check must not create what the file names");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(good).replace("password_file", "pasword_file").replace("target: vault", "target: valt"));
        Cli.Run run = Cli.run("--config", bad.toString(), "config", "check");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("bad.yaml:2") || run.err().contains("bad.yaml:3"), run.err());
        assertTrue(run.err().contains("did you mean 'password_file'?"), run.err());
        assertTrue(run.err().contains("valt"), run.err());
    }

    /** drill list reads the catalog: one that cannot be reached is exit 3, naming it, not an empty list. */
    @Test
    void drillListWithAnUnreachableCatalogCouldNotComplete() throws Exception {
        Path config = dir.resolve("catalog-down.yaml");
        Files.writeString(config, """
                sources:
                  shop: { engine: postgres, host: db.invalid, database: shop, user: backup, target: vault }
                targets:
                  vault: { url: "file:///nonexistent/repository" }
                encryption:
                  recipients: [ "%s" ]
                drills:
                  shop-drill: { source: shop, sandbox: ephemeral }
                catalog:
                  url: jdbc:postgresql://127.0.0.1:1/lifeboat
                  user: lifeboat
                """.formatted(AgeEncryption.generateKeyPair().recipient()));
        Cli.Run run = Cli.run("--config", config.toString(), "drill", "list");
        assertEquals(3, run.exitCode(), run.all());
        assertTrue(run.err().contains("catalog") && run.err().contains("127.0.0.1:1"), run.err());
    }

    @Test
    void configFileComesFromOptionThenEnvironmentThenWorkingDirectory() {
        assertEquals(Path.of("x.yaml"), GlobalOptions.resolve(Path.of("x.yaml"), Map.of("LIFEBOAT_CONFIG", "/etc/y.yaml")));
        assertEquals(Path.of("/etc/y.yaml"), GlobalOptions.resolve(null, Map.of("LIFEBOAT_CONFIG", "/etc/y.yaml")));
        assertEquals(Path.of("lifeboat.yaml"), GlobalOptions.resolve(null, Map.of()));
    }
}
