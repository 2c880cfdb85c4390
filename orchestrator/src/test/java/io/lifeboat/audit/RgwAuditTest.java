package io.lifeboat.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.testing.Cli;
import io.lifeboat.testing.RgwExtension;
import io.lifeboat.testing.RgwServer;
import io.lifeboat.testing.RgwVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code lifeboat audit} against Ceph RGW: it passes on the vault terraform builds, fails naming
 * the permission when a role's policy is too broad, and fails a {@code file://} target. It never
 * prints a source key or an external ID.
 */
@ExtendWith(RgwExtension.class)
class RgwAuditTest {

    /** What a hurried administrator writes: everything on the bucket. */
    static final String EVERYTHING = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\"],"
            + "\"Resource\":[\"arn:aws:s3:::%BUCKET%\",\"arn:aws:s3:::%BUCKET%/*\"]}]}";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path config(String targetYaml) throws IOException {
        return config(targetYaml, "");
    }

    Path config(String targetYaml, String encryptionExtra) throws IOException {
        Path file = dir.resolve("lifeboat.yaml");
        Files.writeString(file, """
                state_dir: %s
                sources:
                  shop: { engine: postgres, host: 127.0.0.1, database: shop, user: postgres, target: vault }
                targets:
                  vault:
                %s
                encryption:
                  recipients: [ "age17k79km4ek2ryryj4gq2vdca724ejt63kykxvwhmqgaj0cwxqusdq2fp6qd" ]
                %s
                """.formatted(dir.resolve("state"), targetYaml.stripTrailing().indent(4).stripTrailing(), encryptionExtra));
        return file;
    }

    static List<String> rows(JsonNode doc, String status) {
        List<String> rows = new ArrayList<>();
        for (JsonNode f : doc.at("/targets/0/findings")) {
            if (f.get("status").asText().equals(status)) rows.add(f.get("credential").asText() + " " + f.get("check").asText());
        }
        return rows;
    }

    @Test
    void theTerraformVaultPasses(RgwServer rgw) throws IOException {
        RgwVault vault = RgwVault.create(rgw);
        Cli.Run run = Cli.run("--config", config(vault.targetYaml()).toString(), "audit", "--min-retention-days", "1", "--format", "json",
                "--agent-profile", RgwServer.AGENT, "--agent-credentials-file", rgw.credentialsFile().toString());
        assertEquals(0, run.exitCode(), run.all());
        JsonNode doc = JSON.readTree(run.out());
        assertEquals("PASS", doc.get("status").asText());
        assertEquals(List.of(), rows(doc, "FAIL"), run.out());
        assertEquals(List.of("writer put", "reader list", "reader get"), rows(doc, "PASS").stream()
                .filter(r -> r.endsWith(" put") && r.startsWith("writer") || r.startsWith("reader") && (r.endsWith(" list") || r.endsWith(" get")))
                .toList());
        assertTrue(rows(doc, "PASS").containsAll(List.of("writer get", "writer head", "writer list", "writer retention", "writer delete",
                "reader put", "reader retention", "reader delete")), run.out());
        assertEquals("nothing beyond its role", doc.at("/targets/0/worst/writer").asText());
        assertEquals("nothing beyond its role", doc.at("/targets/0/worst/reader").asText());
        assertTrue(rows(doc, "PASS").containsAll(List.of("bucket versioning", "bucket object-lock", "bucket lifecycle",
                "agent:agent list", "agent:agent get", "agent:agent put", "agent:agent delete")), run.out());
        assertEquals("nothing beyond its role", doc.at("/targets/0/worst/agent:agent").asText());
        assertTrue(rows(doc, "PASS").contains("files " + rgw.credentialsFile()), run.out());
        // RGW 16 lacks GetCallerIdentity and account ids in ARNs: "unknown", not a crash.
        assertTrue(rows(doc, "WARN").containsAll(List.of("writer account", "reader account")), run.out());
        // RGW 16 ignores If-None-Match: the audit says so rather than pretending.
        assertTrue(rows(doc, "WARN").contains("writer overwrite"), run.out());
        assertTrue(doc.at("/targets/0/probe_objects/0").asText().startsWith("lifeboat-audit-probe/"), run.out());
        for (String secret : vault.secrets()) {
            assertFalse(run.all().contains(secret), "a source key or external ID was printed");
        }

        Cli.Run text = Cli.run("--config", config(vault.targetYaml()).toString(), "audit", "--min-retention-days", "1");
        assertEquals(0, text.exitCode(), text.all());
        assertTrue(text.out().contains("worst   writer: nothing beyond its role") && text.out().contains("audit: PASS"), text.out());
        // Each run is recorded in the catalog; the report shows the newest (RGW's WARNs: PASS with a warning, OK).
        JsonNode audit = reportedAudit();
        assertEquals("WARN", audit.get("last_outcome").asText(), audit.toString());
        assertEquals("OK", audit.get("status").asText(), audit.toString());
        assertEquals("CLI", audit.get("origin").asText(), audit.toString());
        assertTrue(audit.get("reason").asText().startsWith("WARN writer "), audit.toString());
    }

    /** The vault's row in the audits of {@code lifeboat report --format json} with the last config written. */
    JsonNode reportedAudit() throws IOException {
        Cli.Run report = Cli.run("--config", dir.resolve("lifeboat.yaml").toString(), "report", "--format", "json");
        JsonNode doc = JSON.readTree(report.out());
        assertEquals("vault", doc.at("/audits/0/target").asText(), report.all());
        return doc.at("/audits/0");
    }

    @Test
    void aWriterThatCanDoEverythingFailsNamingWhatItCanDo(RgwServer rgw) throws IOException {
        RgwVault vault = RgwVault.create(rgw, EVERYTHING, null);
        Cli.Run run = Cli.run("--config", config(vault.targetYaml()).toString(), "audit", "--min-retention-days", "1", "--format", "json");
        assertEquals(1, run.exitCode(), run.all());
        JsonNode doc = JSON.readTree(run.out());
        assertEquals("FAIL", doc.get("status").asText());
        assertTrue(rows(doc, "FAIL").containsAll(List.of("writer get", "writer head", "writer list", "writer delete")), run.out());
        assertEquals("delete", doc.at("/targets/0/worst/writer").asText(), run.out());
        assertEquals("nothing beyond its role", doc.at("/targets/0/worst/reader").asText());
        JsonNode audit = reportedAudit();
        assertEquals("FAILED", audit.get("status").asText(), audit.toString());
        assertEquals("FAIL", audit.get("last_outcome").asText(), audit.toString());
        assertTrue(audit.get("reason").asText().startsWith("FAIL writer "), audit.toString());
    }

    /** A writer policy without the template's explicit Deny, plus one action too many. */
    static String writerAlso(String action) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\",\"s3:AbortMultipartUpload\","
                + "\"" + action + "\"],\"Resource\":[\"arn:aws:s3:::%BUCKET%/prod/*\"]}]}";
    }

    @ParameterizedTest
    @CsvSource({"s3:GetObject, get, writer get;writer head", "s3:DeleteObject, delete, writer delete"})
    void aWriterGivenOneMorePermissionFailsNamingIt(String action, String worst, String failures, RgwServer rgw) throws IOException {
        RgwVault vault = RgwVault.create(rgw, writerAlso(action), null);
        Cli.Run run = Cli.run("--config", config(vault.targetYaml()).toString(), "audit", "--min-retention-days", "1", "--format", "json");
        assertEquals(1, run.exitCode(), run.all());
        JsonNode doc = JSON.readTree(run.out());
        // s3:GetObject also grants HeadObject, on AWS as on RGW.
        assertEquals(List.of(failures.split(";")), rows(doc, "FAIL"), run.out());
        assertEquals(worst, doc.at("/targets/0/worst/writer").asText(), run.out());
    }

    @Test
    void aReaderThatCanWriteAndDeleteFails(RgwServer rgw) throws IOException {
        RgwVault vault = RgwVault.create(rgw, null, EVERYTHING);
        Cli.Run run = Cli.run("--config", config(vault.targetYaml()).toString(), "audit", "--min-retention-days", "1");
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.out().contains("FAIL  reader  put") && run.out().contains("FAIL  reader  delete"), run.out());
        assertTrue(run.out().contains("worst   reader: delete"), run.out());
        assertTrue(run.out().contains("worst   writer: nothing beyond its role"), run.out());
    }

    @Test
    void aBucketWithoutVersioningAndObjectLockFails(RgwServer rgw) throws IOException {
        RgwVault vault = RgwVault.create(rgw, null, null, false);
        Cli.Run run = Cli.run("--config", config(vault.targetYaml()).toString(), "audit", "--min-retention-days", "1");
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.out().contains("FAIL  bucket  versioning") && run.out().contains("FAIL  bucket  object-lock")
                && run.out().contains("no Object Lock default retention"), run.out());
    }

    @Test
    void aRetentionShorterThanTheMinimumFails(RgwServer rgw) throws IOException {
        RgwVault vault = RgwVault.create(rgw);
        Cli.Run run = Cli.run("--config", config(vault.targetYaml()).toString(), "audit", "--min-retention-days", "30");
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.out().contains("default retention is 1 days, shorter than the minimum of 30 days"), run.out());
    }

    @Test
    void anAgentThatCanListTheVaultFails(RgwServer rgw) throws IOException {
        RgwVault vault = RgwVault.create(rgw);
        // The bucket owner lets the application's credential list "just for monitoring".
        rgw.s3(RgwServer.OWNER).putBucketPolicy(p -> p.bucket(vault.bucket).policy("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"" + RgwServer.userArn(RgwServer.AGENT) + "\"]},"
                + "\"Action\":[\"s3:ListBucket\"],\"Resource\":[\"arn:aws:s3:::" + vault.bucket + "\"]}]}"));
        Cli.Run run = Cli.run("--config", config(vault.targetYaml()).toString(), "audit", "--min-retention-days", "1",
                "--agent-profile", RgwServer.AGENT, "--agent-credentials-file", rgw.credentialsFile().toString());
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.out().contains("this agent can list the vault") && run.out().contains("worst   agent:agent: list"), run.out());
        assertFalse(run.all().contains(rgw.secretKey(RgwServer.AGENT)));
    }

    @Test
    void anIdentityFileOthersCanReadFails(RgwServer rgw) throws IOException {
        RgwVault vault = RgwVault.create(rgw);
        Path identity = dir.resolve("drill.agekey");
        Files.writeString(identity, "# not a real key: only its mode matters here\n");
        Files.setPosixFilePermissions(identity, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Run run = Cli.run("--config", config(vault.targetYaml(), "  identity_file: " + identity).toString(), "audit",
                "--min-retention-days", "1");
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.out().contains("FAIL  files") && run.out().contains("chmod 600 " + identity), run.out());
    }

    @Test
    void aFileTargetIsInsideTheBlastRadius() throws IOException {
        Cli.Run run = Cli.run("--config", config("url: file://" + dir.resolve("repo")).toString(), "audit", "--min-retention-days", "1");
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.out().contains("FAIL  target  location") && run.out().contains("blast radius"), run.out());
    }
}
