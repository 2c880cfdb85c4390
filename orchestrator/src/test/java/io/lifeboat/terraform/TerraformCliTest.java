package io.lifeboat.terraform;

import static io.lifeboat.terraform.TerraformStaticCheckTest.ROOT;
import static io.lifeboat.terraform.TerraformStaticCheckTest.copyTerraform;
import static io.lifeboat.terraform.TerraformStaticCheckTest.replace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.terraform.TerraformStaticCheckTest.Result;
import io.lifeboat.testing.PolicyTemplates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Terraform itself on {@code terraform/}: {@code terraform fmt -check -recursive}, and
 * {@code terraform init} and {@code terraform validate} of {@code examples/two-accounts} (which
 * calls every module), with the AWS provider from the machine's provider mirror
 * ({@code /opt/tf-plugins}, or {@code LIFEBOAT_TF_PLUGIN_MIRROR}). This checks what
 * {@link TerraformStaticCheckTest} cannot: argument types, function names and arity, and whatever
 * else the provider's schema and Terraform's own rules decide without a plan.
 *
 * <p>The mirror holds hashicorp/aws 5.100.0, while the modules ask for {@code ~> 6.0} (the
 * version the static check's schema was taken from): the copy that is validated has its version
 * constraints pinned to the mirror's version, nothing else changed. So the schema here is 5.100's,
 * the nearest real provider this machine has; the static check covers 6.x's names.
 *
 * <p>Terraform never reaches the network: the CLI configuration allows the mirror only, and
 * HashiCorp's version check is off ({@code CHECKPOINT_DISABLE}). Without Terraform or the mirror
 * these tests fail rather than skip.
 */
class TerraformCliTest {

    static final Path MIRROR = Path.of(System.getenv().getOrDefault("LIFEBOAT_TF_PLUGIN_MIRROR", "/opt/tf-plugins"));

    @Test
    void terraformFmtFindsNothingToChange() {
        Result r = terraform(ROOT.resolve("terraform"), null, "fmt", "-check", "-recursive", "-no-color");
        assertEquals(0, r.exit(), "terraform fmt -check -recursive wants to change these files in terraform/:\n" + r.output());
    }

    @Test
    void terraformFmtFindsSpacingTheStaticCheckDoesNotLookAt(@TempDir Path tmp) {
        copyTerraform(tmp);
        replace(tmp, "modules/backup-vault/main.tf", "local.expire_after_days >= var.retention_days",
                "local.expire_after_days>=var.retention_days");
        Result r = terraform(tmp.resolve("terraform"), null, "fmt", "-check", "-recursive", "-no-color");
        assertEquals(3, r.exit(), "terraform fmt -check should have found the file to change:\n" + r.output());
        assertEquals(List.of("modules/backup-vault/main.tf"), r.output().lines().toList());
        // ... which the static check's layout rules let through
        assertEquals(0, TerraformStaticCheckTest.check(tmp, "terraform").exit());
    }

    @Test
    void theExampleAndEveryModuleItCallsAreValid(@TempDir Path tmp) {
        Path example = initialized(tmp);
        Result r = terraform(example, tmp, "validate", "-no-color");
        assertEquals(0, r.exit(), "terraform validate failed on terraform/examples/two-accounts:\n" + r.output());
        assertTrue(r.output().contains("Success! The configuration is valid."), r.output());
        // no warnings either (deprecated arguments, for one): Terraform prints them after "valid"
        assertTrue(r.output().strip().endsWith("Success! The configuration is valid."), "terraform validate warned:\n" + r.output());
    }

    @Test
    void aValueOfTheWrongTypeIsReportedWithFileAndLine(@TempDir Path tmp) {
        Path example = initialized(tmp);
        // the static check does not know types
        int line = breakPastTheStaticCheck(tmp, "modules/backup-vault/main.tf", "  deletion_window_in_days = 30",
                "  deletion_window_in_days = \"thirty\"");
        Result r = terraform(example, tmp, "validate", "-no-color");
        assertEquals(1, r.exit(), "terraform validate should have failed:\n" + r.output());
        assertSays(r, "Inappropriate value for attribute \"deletion_window_in_days\": a number is required.");
        assertSays(r, "on ../../modules/backup-vault/main.tf line " + line + ", in resource \"aws_kms_key\" \"vault\"");
    }

    @Test
    void anUnknownFunctionIsReportedWithFileAndLine(@TempDir Path tmp) {
        Path example = initialized(tmp);
        // nor function names
        int line = breakPastTheStaticCheck(tmp, "modules/writer-role/variables.tf", "!startswith(var.prefix", "!startswth(var.prefix");
        Result r = terraform(example, tmp, "validate", "-no-color");
        assertEquals(1, r.exit(), "terraform validate should have failed:\n" + r.output());
        assertSays(r, "There is no function named \"startswth\". Did you mean \"startswith\"?");
        assertSays(r, "on ../../modules/writer-role/variables.tf line " + line);
    }

    @Test
    void theExamplePlansWithAKmsKeyAndOneKmsPolicyPerRole(@TempDir Path tmp) throws IOException {
        // Before the roles took the key as an object, this failed: "Invalid count argument ... The
        // "count" value depends on resource attributes that cannot be determined until apply"
        // (count = var.kms_key_arn == null ? 0 : 1, with an ARN the key gets only when created).
        JsonNode plan = plan(tmp, "kms_key_enabled = true");
        assertEquals(List.of(
                        "module.reader.module.role.aws_iam_role.this", "module.reader.module.role.aws_iam_role_policy.kms[0]",
                        "module.reader.module.role.aws_iam_role_policy.s3",
                        "module.vault.aws_kms_key.vault[0]", "module.vault.aws_s3_bucket.vault",
                        "module.vault.aws_s3_bucket_lifecycle_configuration.vault",
                        "module.vault.aws_s3_bucket_object_lock_configuration.vault",
                        "module.vault.aws_s3_bucket_ownership_controls.vault", "module.vault.aws_s3_bucket_policy.vault",
                        "module.vault.aws_s3_bucket_public_access_block.vault",
                        "module.vault.aws_s3_bucket_server_side_encryption_configuration.vault",
                        "module.vault.aws_s3_bucket_versioning.vault",
                        "module.writer.module.role.aws_iam_role.this", "module.writer.module.role.aws_iam_role_policy.kms[0]",
                        "module.writer.module.role.aws_iam_role_policy.s3"),
                created(plan));
        assertEquals("aws:kms", sseAlgorithm(plan));
    }

    @Test
    void theExamplePlansAnUndeletableVaultWithoutKms(@TempDir Path tmp) throws IOException {
        JsonNode plan = plan(tmp, "kms_key_enabled = false");
        List<String> created = created(plan);
        assertEquals(12, created.size(), created.toString());
        assertTrue(created.stream().noneMatch(a -> a.contains("kms")), created.toString());
        JsonNode bucket = after(plan, "module.vault.aws_s3_bucket.vault");
        assertEquals(BUCKET, bucket.path("bucket").asText());
        assertTrue(bucket.path("object_lock_enabled").asBoolean(), bucket.toString());
        assertFalse(bucket.path("force_destroy").asBoolean(true), "force_destroy would let terraform destroy delete every backup");
        JsonNode retention = after(plan, "module.vault.aws_s3_bucket_object_lock_configuration.vault")
                .path("rule").path(0).path("default_retention").path(0);
        assertEquals("COMPLIANCE", retention.path("mode").asText(), retention.toString());
        assertEquals(35, retention.path("days").asInt(), retention.toString());
        assertEquals("Enabled", after(plan, "module.vault.aws_s3_bucket_versioning.vault")
                .path("versioning_configuration").path(0).path("status").asText());
        assertEquals("AES256", sseAlgorithm(plan));
    }

    /**
     * The documents the plan would deploy are those of terraform/policies rendered as the RGW
     * tests render them (PolicyTemplates) for the same values: the trust and permission policy of
     * each role and the bucket policy. (The KMS policies name the key's ARN, unknown until apply.)
     */
    @Test
    void thePlanDeploysTheVeryPolicyDocumentsTheRgwTestsApply(@TempDir Path tmp) throws IOException {
        JsonNode plan = plan(tmp, "prefix = \"prod-eu\"");
        Map<String, String> writer = Map.of("bucket", BUCKET, "prefix", "prod-eu",
                "principal_arn", PRODUCTION_PRINCIPAL, "external_id", WRITER_EXTERNAL_ID);
        Map<String, String> reader = Map.of("bucket", BUCKET, "prefix", "prod-eu",
                "principal_arn", DRILL_PRINCIPAL, "external_id", READER_EXTERNAL_ID);
        assertSameDocument(PolicyTemplates.render("writer-trust", writer),
                after(plan, "module.writer.module.role.aws_iam_role.this").path("assume_role_policy"));
        assertSameDocument(PolicyTemplates.render("writer", writer),
                after(plan, "module.writer.module.role.aws_iam_role_policy.s3").path("policy"));
        assertSameDocument(PolicyTemplates.render("reader-trust", reader),
                after(plan, "module.reader.module.role.aws_iam_role.this").path("assume_role_policy"));
        assertSameDocument(PolicyTemplates.render("reader", reader),
                after(plan, "module.reader.module.role.aws_iam_role_policy.s3").path("policy"));
        assertSameDocument(PolicyTemplates.render("vault-bucket", Map.of("bucket", BUCKET,
                        "break_glass_principal_arn", BREAK_GLASS_PRINCIPAL)),
                after(plan, "module.vault.aws_s3_bucket_policy.vault").path("policy"));
    }

    @Test
    void aPrefixWithASlashIsRefusedByThePlanWithTheVariablesMessage(@TempDir Path tmp) {
        Path example = planned(tmp, "prefix = \"prod/\"");
        Result r = terraform(example, tmp, planArgs());
        assertEquals(1, r.exit(), "terraform plan should have refused the prefix:\n" + r.output());
        assertSays(r, "prefix must be non-empty, without a leading or trailing slash.");
    }

    @Test
    void aRetentionModeTheProviderDoesNotKnowIsRefusedByThePlan(@TempDir Path tmp) {
        Path example = planned(tmp, "");
        int line = breakPastTheStaticCheck(tmp, "modules/backup-vault/main.tf", "      mode = \"COMPLIANCE\"",
                "      mode = \"COMPLIANT\"");
        // validate lets it through: the provider checks this value only when planning
        assertEquals(0, terraform(example, tmp, "validate", "-no-color").exit());
        Result r = terraform(example, tmp, planArgs());
        assertEquals(1, r.exit(), "terraform plan should have refused the mode:\n" + r.output());
        assertSays(r, "expected mode to be one of [\"GOVERNANCE\" \"COMPLIANCE\"], got COMPLIANT");
        assertSays(r, "on ../../modules/backup-vault/main.tf line " + line);
    }

    // ------------------------------------------------------------------ helpers

    static final ObjectMapper JSON = new ObjectMapper();
    /** The example's variables in every plan (test.tfvars). */
    static final String BUCKET = "acme-lifeboat-vault";
    static final String PRODUCTION_PRINCIPAL = "arn:aws:iam::111111111111:role/lifeboat-backup-host";
    static final String DRILL_PRINCIPAL = "arn:aws:iam::333333333333:role/lifeboat-drill-host";
    static final String BREAK_GLASS_PRINCIPAL = "arn:aws:iam::222222222222:role/break-glass";
    static final String WRITER_EXTERNAL_ID = "writer-external-id-of-the-test";
    static final String READER_EXTERNAL_ID = "reader-external-id-of-the-test";

    /** The example planned with {@code extraVariables} (tfvars lines) besides the test's own; the plan as JSON. */
    static JsonNode plan(Path tmp, String extraVariables) throws IOException {
        Path example = planned(tmp, extraVariables);
        Result r = terraform(example, tmp, planArgs());
        assertEquals(0, r.exit(), "terraform plan failed on terraform/examples/two-accounts:\n" + r.output());
        Result shown = terraform(example, tmp, "show", "-json", "-no-color", "plan.bin");
        assertEquals(0, shown.exit(), shown.output());
        return JSON.readTree(shown.output());
    }

    static String[] planArgs() {
        return new String[] {"plan", "-input=false", "-no-color", "-lock=false", "-var-file=test.tfvars", "-out=plan.bin"};
    }

    /**
     * The example, initialized, with what a plan needs and cannot have here: the example's
     * variables, and a provider that asks AWS nothing. A plan of resources that do not exist yet
     * reads nothing (the modules have no data sources), so the provider is told to skip its
     * account and credential lookups; its endpoints point at a closed port on 127.0.0.1, so a
     * call the provider still made would fail here rather than leave the machine. The fake keys
     * come from a profile file, as the example's {@code backup_account_profile} expects.
     */
    static Path planned(Path tmp, String extraVariables) {
        Path example = initialized(tmp);
        try {
            Files.writeString(example.resolve("override.tf"), """
                    provider "aws" {
                      skip_credentials_validation = true
                      skip_requesting_account_id  = true
                      skip_metadata_api_check     = true
                      skip_region_validation      = true
                      endpoints {
                        iam = "http://127.0.0.1:9"
                        kms = "http://127.0.0.1:9"
                        s3  = "http://127.0.0.1:9"
                        sts = "http://127.0.0.1:9"
                      }
                    }
                    """);
            Files.writeString(example.resolve("test.tfvars"), """
                    backup_account_profile    = "lifeboat-plan-only"
                    bucket                    = "%s"
                    production_principal_arn  = "%s"
                    drill_principal_arn       = "%s"
                    break_glass_principal_arn = "%s"
                    writer_external_id        = "%s"
                    reader_external_id        = "%s"
                    %s
                    """.formatted(BUCKET, PRODUCTION_PRINCIPAL, DRILL_PRINCIPAL, BREAK_GLASS_PRINCIPAL, WRITER_EXTERNAL_ID,
                    READER_EXTERNAL_ID, extraVariables));
            Files.writeString(tmp.resolve("aws-config"), """
                    [profile lifeboat-plan-only]
                    region = eu-central-1
                    aws_access_key_id = AKIAIOSFODNN7EXAMPLE
                    aws_secret_access_key = not-a-secret-the-plan-sends-nothing
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return example;
    }

    /** Addresses of the resources the plan creates, sorted; fails if it would change or destroy any. */
    static List<String> created(JsonNode plan) {
        List<String> created = new ArrayList<>();
        for (JsonNode change : plan.path("resource_changes")) {
            assertEquals("[\"create\"]", change.path("change").path("actions").toString(), change.path("address").asText());
            created.add(change.path("address").asText());
        }
        Collections.sort(created);
        return created;
    }

    /** A policy the plan shows (a JSON string; absent while unknown) is the rendered template, as JSON. */
    static void assertSameDocument(String rendered, JsonNode planned) throws IOException {
        assertTrue(planned.isTextual(), "the plan does not know this policy yet: " + planned);
        assertEquals(JSON.readTree(rendered), JSON.readTree(planned.asText()));
    }

    /** The bucket's default encryption in the plan. */
    static String sseAlgorithm(JsonNode plan) {
        return after(plan, "module.vault.aws_s3_bucket_server_side_encryption_configuration.vault")
                .path("rule").path(0).path("apply_server_side_encryption_by_default").path(0).path("sse_algorithm").asText();
    }

    /** The planned values of one resource. */
    static JsonNode after(JsonNode plan, String address) {
        for (JsonNode change : plan.path("resource_changes")) {
            if (change.path("address").asText().equals(address)) {
                return change.path("change").path("after");
            }
        }
        throw new AssertionError("the plan has no " + address + ": " + created(plan));
    }

    /**
     * Copies terraform/ to {@code tmp/terraform}, pins the AWS provider to the mirror's version and
     * runs {@code terraform init} in the example; returns the example's directory.
     */
    static Path initialized(Path tmp) {
        String version = mirroredAwsVersion();
        copyTerraform(tmp);
        for (String versions : List.of("modules/backup-vault/versions.tf", "modules/assumable-role/versions.tf",
                "examples/two-accounts/versions.tf")) {
            replace(tmp, versions, "version = \"~> 6.0\"", "version = \"= " + version + "\"");
        }
        Path example = tmp.resolve("terraform/examples/two-accounts");
        Result r = terraform(example, tmp, "init", "-backend=false", "-input=false", "-no-color");
        assertEquals(0, r.exit(), "terraform init with the provider mirror " + MIRROR + " failed:\n" + r.output());
        return example;
    }

    /** The newest hashicorp/aws version in the mirror (its unpacked layout: VERSION/linux_amd64/). */
    static String mirroredAwsVersion() {
        Path aws = MIRROR.resolve("registry.terraform.io/hashicorp/aws");
        if (!Files.isDirectory(aws)) {
            fail("no AWS provider in the Terraform provider mirror: " + aws + " does not exist. Give the mirror's directory in"
                    + " LIFEBOAT_TF_PLUGIN_MIRROR (layout: registry.terraform.io/hashicorp/aws/VERSION/linux_amd64/)");
        }
        try (Stream<Path> versions = Files.list(aws)) {
            return versions.filter(v -> Files.isDirectory(v.resolve("linux_amd64")))
                    .map(v -> v.getFileName().toString())
                    .filter(v -> v.matches("\\d+\\.\\d+\\.\\d+"))
                    .max(Comparator.comparing((String v) -> Integer.parseInt(v.split("\\.")[0]))
                            .thenComparing(v -> Integer.parseInt(v.split("\\.")[1]))
                            .thenComparing(v -> Integer.parseInt(v.split("\\.")[2])))
                    .orElseThrow(() -> new AssertionError("no VERSION/linux_amd64 directory under " + aws));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs terraform in {@code dir}. With {@code configDir}, a CLI configuration written there
     * allows the provider mirror only; without, none is needed (fmt installs nothing).
     */
    static Result terraform(Path dir, Path configDir, String... args) {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of("terraform"), Stream.of(args)).toList())
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("CHECKPOINT_DISABLE", "1");
        pb.environment().put("TF_IN_AUTOMATION", "1");
        pb.environment().remove("TF_PLUGIN_CACHE_DIR");
        if (configDir != null) {
            Path rc = configDir.resolve("terraformrc");
            try {
                Files.writeString(rc, "provider_installation {\n  filesystem_mirror {\n    path    = \"" + MIRROR
                        + "\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n}\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pb.environment().put("TF_CLI_CONFIG_FILE", rc.toString());
            // the plan's provider reads its fake keys from here (see planned); nothing of the user's
            pb.environment().put("AWS_CONFIG_FILE", configDir.resolve("aws-config").toString());
            pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
            List.of("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
                    "AWS_DEFAULT_REGION").forEach(pb.environment()::remove);
        } else {
            pb.environment().put("TF_CLI_CONFIG_FILE", "/dev/null");
        }
        return TerraformStaticCheckTest.run(pb, "terraform (these tests need Terraform on the PATH and the AWS provider in "
                + MIRROR + ", as this kind of machine has them)");
    }

    /**
     * Makes one change in {@code tmp}'s copy of terraform/ (returns its line), after checking that
     * the static check lets it through, on a fresh copy with that change alone (none of the pinning).
     */
    static int breakPastTheStaticCheck(Path tmp, String file, String from, String to) {
        Path alone = tmp.resolve("static");
        copyTerraform(alone);
        replace(alone, file, from, to);
        Result r = TerraformStaticCheckTest.check(alone, "terraform");
        assertEquals(0, r.exit(), "the static check was expected to let this through:\n" + r.output());
        return replace(tmp, file, from, to);
    }

    /** Terraform wraps its messages at 78 columns: compared with runs of white space made one space. */
    static void assertSays(Result r, String expected) {
        assertTrue(r.output().replaceAll("\\s+", " ").contains(expected), "expected\n  " + expected + "\nin terraform's output:\n" + r.output());
    }
}
