package io.lifeboat.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tools/terraform-check/check.mjs} on {@code terraform/}: HCL syntax by HashiCorp's own
 * parser, references between blocks and modules, resource arguments against the schema of the
 * AWS provider 6.25.0, fmt-style layout. {@link TerraformCliTest} runs Terraform itself, with the
 * 5.100.0 provider this machine has; this check covers the names of the 6.x provider the modules
 * ask for. The other
 * tests prove the check catches real mistakes: each copies {@code terraform/} to a temporary
 * directory, breaks one thing and expects that thing reported with its file and line.
 *
 * <p>Node and the check's npm packages are installed by {@code tools/prepare-test-machine.sh};
 * without them these tests fail rather than skip.
 */
class TerraformStaticCheckTest {

    static final Path ROOT = projectRoot();
    static final Path CHECK = ROOT.resolve("tools/terraform-check/check.mjs");

    @Test
    void terraformPassesTheCheck() {
        Result r = check(ROOT, "terraform");
        assertEquals(0, r.exit, "tools/terraform-check/check.mjs found problems in terraform/:\n" + r.output);
    }

    @Test
    void syntaxErrorIsReportedWithFileAndLine(@TempDir Path tmp) {
        copyTerraform(tmp);
        int line = replace(tmp, "modules/backup-vault/main.tf", "    object_ownership = \"BucketOwnerEnforced\"",
                "    object_ownership = \"BucketOwnerEnforced");
        assertReported(check(tmp, "terraform"), "terraform/modules/backup-vault/main.tf:" + line + ": syntax error");
    }

    @Test
    void undeclaredVariableIsReportedWithFileAndLine(@TempDir Path tmp) {
        copyTerraform(tmp);
        int line = replace(tmp, "modules/writer-role/main.tf", "  prefix               = var.prefix",
                "  prefix               = var.key_prefix");
        Result r = check(tmp, "terraform");
        assertReported(r, "terraform/modules/writer-role/main.tf:" + line + ": var.key_prefix: no variable \"key_prefix\"");
        // ... and var.prefix is now declared but unused
        assertReported(r, "terraform/modules/writer-role/variables.tf:" + lineOf(tmp, "modules/writer-role/variables.tf", "variable \"prefix\"")
                + ": variable \"prefix\" is declared but never used");
    }

    @Test
    void misspelledResourceArgumentIsReportedWithFileAndLine(@TempDir Path tmp) {
        copyTerraform(tmp);
        int line = replace(tmp, "modules/backup-vault/main.tf", "  enable_key_rotation     = true",
                "  enable_key_rotaton      = true");
        assertReported(check(tmp, "terraform"), "terraform/modules/backup-vault/main.tf:" + line
                + ": aws_kms_key.vault: unsupported argument \"enable_key_rotaton\" (did you mean \"enable_key_rotation\"?)");
    }

    @Test
    void misspelledNestedBlockAndResourceTypeAreReported(@TempDir Path tmp) {
        copyTerraform(tmp);
        int block = replace(tmp, "modules/backup-vault/main.tf", "    noncurrent_version_expiration {",
                "    noncurrent_versions_expiration {");
        int type = replace(tmp, "modules/assumable-role/main.tf", "resource \"aws_iam_role_policy\" \"kms\" {",
                "resource \"aws_iam_roles_policy\" \"kms\" {");
        Result r = check(tmp, "terraform");
        assertReported(r, "terraform/modules/backup-vault/main.tf:" + block
                + ": aws_s3_bucket_lifecycle_configuration.vault.rule: unsupported block type \"noncurrent_versions_expiration\"");
        assertReported(r, "terraform/modules/assumable-role/main.tf:" + type
                + ": resource type \"aws_iam_roles_policy\" does not exist in the AWS provider");
    }

    @Test
    void missingRequiredArgumentIsReported(@TempDir Path tmp) {
        copyTerraform(tmp);
        replace(tmp, "modules/assumable-role/main.tf", "  role = aws_iam_role.this.id\n", "");
        int s3 = lineOf(tmp, "modules/assumable-role/main.tf", "resource \"aws_iam_role_policy\" \"s3\" {");
        assertReported(check(tmp, "terraform"), "terraform/modules/assumable-role/main.tf:" + s3
                + ": aws_iam_role_policy.s3: required argument \"role\" is missing");
    }

    @Test
    void providerVersionOutsideTheCheckedSchemaIsReported(@TempDir Path tmp) {
        copyTerraform(tmp);
        int line = replace(tmp, "modules/backup-vault/versions.tf", "    aws = {", "    aws = {");
        replace(tmp, "modules/backup-vault/versions.tf", "\"~> 6.0\"", "\">= 5.0\"");
        assertReported(check(tmp, "terraform"), "terraform/modules/backup-vault/versions.tf:" + line
                + ": required_providers aws: \">= 5.0\" admits 5.999.999, but the provider check covers 6.x only");
    }

    @Test
    void brokenModuleWiringIsReported(@TempDir Path tmp) {
        copyTerraform(tmp);
        // a required variable no longer passed, and an output of the vault module that does not exist
        replace(tmp, "examples/two-accounts/main.tf", "  break_glass_principal_arn = var.break_glass_principal_arn\n", "");
        int call = lineOf(tmp, "examples/two-accounts/main.tf", "module \"vault\" {");
        int output = replace(tmp, "examples/two-accounts/main.tf", "  kms_key       = module.vault.kms_key\n}\n\nmodule \"reader\"",
                "  kms_key       = module.vault.kms\n}\n\nmodule \"reader\"");
        Result r = check(tmp, "terraform");
        assertReported(r, "terraform/examples/two-accounts/main.tf:" + call
                + ": module \"vault\": required variable \"break_glass_principal_arn\" of ../../modules/backup-vault is not set");
        assertReported(r, "terraform/examples/two-accounts/main.tf:" + output
                + ": module.vault.kms: terraform/modules/backup-vault has no output \"kms\"");
    }

    @Test
    void missingPolicyTemplateAndMissingTemplateVariableAreReported(@TempDir Path tmp) throws IOException {
        copyTerraform(tmp);
        Files.delete(tmp.resolve("terraform/policies/reader-kms.json"));
        int line = replace(tmp, "modules/backup-vault/main.tf", "    break_glass_principal_arn = var.break_glass_principal_arn\n", "");
        Result r = check(tmp, "terraform");
        assertReported(r, "terraform/modules/assumable-role/main.tf:36: templatefile(): terraform/policies/reader-kms.json does not exist");
        assertReported(r, "terraform/modules/backup-vault/main.tf:" + (line - 2)
                + ": templatefile(): terraform/policies/vault-bucket.json uses ${break_glass_principal_arn}, which this call does not give");
    }

    @Test
    void fmtStyleMistakesAreReported(@TempDir Path tmp) {
        copyTerraform(tmp);
        int indent = replace(tmp, "modules/backup-vault/main.tf", "      mode = \"COMPLIANCE\"", "     mode = \"COMPLIANCE\"");
        int align = replace(tmp, "modules/backup-vault/main.tf", "  block_public_acls       = true", "  block_public_acls = true");
        Result r = check(tmp, "terraform");
        assertReported(r, "terraform/modules/backup-vault/main.tf:" + indent + ": style: indentation: expected 6 spaces");
        assertReported(r, "terraform/modules/backup-vault/main.tf:" + align + ": style: '=' at column 21, expected column 27");
    }

    // ------------------------------------------------------------------ helpers

    record Result(int exit, String output) {
    }

    static void assertReported(Result r, String expected) {
        assertEquals(1, r.exit, "the check should have found problems:\n" + r.output);
        assertTrue(r.output.lines().anyMatch(l -> l.startsWith(expected)), "expected a line starting with\n  " + expected
                + "\nin the check's output:\n" + r.output);
    }

    /** Runs the check on {@code dir/path}, from {@code dir} (it names files relative to its working directory). */
    static Result check(Path dir, String path) {
        if (!Files.isRegularFile(ROOT.resolve("tools/terraform-check/node_modules/@cdktf/hcl2json/package.json"))) {
            fail("tools/terraform-check/node_modules is missing: run tools/prepare-test-machine.sh"
                    + " (it runs npm ci in tools/terraform-check)");
        }
        Result r = run(new ProcessBuilder("node", CHECK.toString(), "--quiet", path).directory(dir.toFile()),
                "node (run tools/prepare-test-machine.sh)");
        if (r.exit == 2) {
            fail("check.mjs could not run (exit 2; run tools/prepare-test-machine.sh if packages are missing):\n" + r.output);
        }
        return r;
    }

    /** Runs {@code pb} with nothing on stdin, stderr into stdout, for at most 180 s; {@code what} names it in failures. */
    static Result run(ProcessBuilder pb, String what) {
        Process p;
        try {
            p = pb.redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + what + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", pb.command()) + " did not finish in 180 s:\n" + out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Copies terraform/ (modules, example and policy templates) to {@code tmp/terraform}. */
    static void copyTerraform(Path tmp) {
        Path from = ROOT.resolve("terraform");
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path to = tmp.resolve("terraform").resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the one occurrence of {@code from} in {@code tmp/terraform/file}; returns the 1-based line it started on. */
    static int replace(Path tmp, String file, String from, String to) {
        Path f = tmp.resolve("terraform").resolve(file);
        try {
            String text = Files.readString(f);
            int at = text.indexOf(from);
            assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, file + " should contain exactly one " + from);
            Files.writeString(f, text.substring(0, at) + to + text.substring(at + from.length()));
            return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("tools/terraform-check/check.mjs"))) {
                return p;
            }
        }
        throw new IllegalStateException("tools/terraform-check/check.mjs not found above " + Path.of("").toAbsolutePath());
    }

    /** The 1-based line of {@code tmp/terraform/file} that starts with {@code start}. */
    static int lineOf(Path tmp, String file, String start) {
        try {
            List<String> lines = Files.readAllLines(tmp.resolve("terraform").resolve(file));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(start)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(file + " has no line starting with " + start);
    }
}
