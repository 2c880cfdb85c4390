package io.lifeboat.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.Application;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.SourceConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.drills.testing.TestClusters;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.s3.S3StorageTarget;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.RgwExtension;
import io.lifeboat.testing.RgwServer;
import io.lifeboat.testing.RgwVault;
import io.lifeboat.testing.SampleSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * lifeboat's own AssumeRole path against Ceph RGW, with roles carrying the policies of
 * {@code terraform/policies/}: {@code lifeboat backup run} writes a backup with the writer role
 * (assumed from the production host's credential), {@code lifeboat drill run} restores it with the
 * reader role (assumed from the drill host's), each role is refused what belongs to the other, and
 * neither the source keys nor the external IDs reach pg_dump, the output or an error.
 */
@ExtendWith(RgwExtension.class)
class RgwAssumeRoleTest {

    @TempDir
    static Path shared;
    static SampleSource source;

    @BeforeAll
    static void startSource() throws IOException {
        TestClusters.openForServer(shared);
        source = SampleSource.start(shared, 100_000); // a dump long enough to catch pg_dump running
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    RgwServer rgw;
    RgwVault vault;

    @BeforeEach
    void setUp(RgwServer rgw) {
        this.rgw = rgw;
        vault = RgwVault.create(rgw);
    }

    Path config(String targetYaml) {
        return source.writeConfig(targetYaml, source.port(), """
                drills:
                  shop-drill: { source: shop, sandbox: ephemeral }
                """, true);
    }

    Path goodConfig() {
        return config(vault.targetYaml());
    }

    List<String> secrets() {
        return vault.secrets();
    }

    @Test
    void backupWithTheWriterRoleThenADrillWithTheReaderRole() {
        Path config = goodConfig();
        Cli.Run backup = Cli.run("--config", config.toString(), "backup", "run", "shop", "--format", "json");
        assertEquals(0, backup.exitCode(), backup.all());
        Cli.Run list = Cli.run("--config", config.toString(), "backup", "list", "shop");
        assertEquals(0, list.exitCode(), list.all());
        Cli.Run drill = Cli.run("--config", config.toString(), "drill", "run", "shop-drill");
        assertEquals(0, drill.exitCode(), drill.all());
        assertTrue(drill.err().contains("PASSED"), drill.err());
        for (String secret : secrets()) {
            for (Cli.Run run : List.of(backup, list, drill)) {
                assertFalse(run.all().contains(secret), "a source key or external ID was printed:\n" + run.all());
            }
        }
    }

    @Test
    void eachRoleIsRefusedWhatBelongsToTheOther() throws IOException {
        LifeboatConfig config = Application.standard().loadConfig(goodConfig());
        TargetConfig target = config.targets().get("vault");
        try (StorageTarget writer = S3StorageTarget.open(target, target.writeCredentials(), Side.WRITER);
             StorageTarget reader = S3StorageTarget.open(target, target.readCredentials(), Side.READER)) {
            writer.putIfAbsent("shop/probe.txt", "x".getBytes(StandardCharsets.UTF_8), PutOptions.of("text/plain"));
            assertEquals(StorageException.Kind.ACCESS_DENIED, assertThrows(StorageException.class, () -> writer.list("shop/")).kind());
            assertEquals(StorageException.Kind.ACCESS_DENIED, assertThrows(StorageException.class, () -> writer.get("shop/probe.txt").close()).kind());
            assertEquals(StorageException.Kind.ACCESS_DENIED, assertThrows(StorageException.class, () -> writer.stat("shop/probe.txt")).kind());

            assertEquals(List.of("shop/probe.txt"), reader.list("shop/").stream().map(o -> o.key()).toList());
            assertEquals(StorageException.Kind.ACCESS_DENIED, assertThrows(StorageException.class, () ->
                    reader.putIfAbsent("shop/other.txt", new byte[1], PutOptions.of("text/plain"))).kind());
        }
    }

    @Test
    void aSourceTheRoleDoesNotTrustFailsNamingTheRole() {
        // The agent's credential (an application's or AI agent's) in place of the production host's.
        Path config = config(vault.targetYaml(vault.credentialsYaml(RgwServer.AGENT, vault.writerRole, vault.writerExternalId),
                vault.credentialsYaml(RgwServer.DRILL, vault.readerRole, vault.readerExternalId)));
        Cli.Run run = Cli.run("--config", config.toString(), "backup", "run", "shop");
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.err().contains("could not assume role " + vault.writerRole) && run.err().contains("HTTP 403"), run.err());
        assertFalse(run.all().contains(vault.writerExternalId), run.all());
        assertFalse(run.all().contains(rgw.secretKey(RgwServer.AGENT)), run.all());
    }

    @Test
    void pgDumpSeesNeitherTheSourceKeyNorTheExternalId() throws Exception {
        Application app = Application.standard();
        LifeboatConfig config = app.loadConfig(goodConfig());
        SourceConfig shop = config.source("shop");
        List<String> seen = new ArrayList<>();
        try (StorageTarget writer = app.openForWriting(config.targetOf(shop))) {
            app.pipeline(config, shop, writer).run(shop, (raw, stored) -> {
                if (seen.isEmpty()) SampleSource.pgDumpChild().ifPresent(dump -> seen.addAll(SampleSource.argvAndEnvironment(dump)));
            });
        }
        assertEquals(2, seen.size(), "pg_dump's argv and environment must have been inspected");
        for (String inspected : seen) {
            assertFalse(inspected.contains("AWS_"), inspected);
            for (String secret : secrets()) {
                assertFalse(inspected.contains(secret), "a source key or external ID reached pg_dump");
            }
        }
    }
}
