package io.lifeboat.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy documents of {@code terraform/policies/}, rendered as Terraform's
 * {@code templatefile()} renders them (only {@code ${name}} interpolation is used there), so the
 * tests apply the very documents the modules deploy. A variable the template uses but the test
 * does not give fails the test, as it fails {@code terraform plan}.
 */
public final class PolicyTemplates {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([a-z_]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyTemplates() {
    }

    public static Path directory() {
        return RgwServer.projectRoot().resolve("terraform/policies");
    }

    /** {@code terraform/policies/NAME.json} with {@code variables} filled in, as compact JSON. */
    public static String render(String name, Map<String, String> variables) {
        String template;
        try {
            template = Files.readString(directory().resolve(name + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(name + ".json uses ${" + m.group(1) + "}, which the test did not give");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        try {
            // Compact: RGW's IAM API rejects policy documents containing whitespace.
            JsonNode parsed = JSON.readTree(out.toString());
            return JSON.writeValueAsString(parsed);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ".json does not render to JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A rendered trust policy without its {@code sts:ExternalId} conditions, for Ceph RGW 16: it
     * does not put the external ID into the policy environment, so any such condition denies
     * every AssumeRole (a test pins this). On AWS the condition stays: the modules deploy the
     * template unchanged. Fails if the document had no such condition to remove.
     */
    public static String withoutExternalIdCondition(String trustPolicy) {
        try {
            JsonNode doc = JSON.readTree(trustPolicy);
            int removed = 0;
            for (JsonNode statement : doc.get("Statement")) {
                JsonNode condition = statement.get("Condition");
                if (condition != null && condition.path("StringEquals").has("sts:ExternalId")) {
                    ((ObjectNode) condition.get("StringEquals")).remove("sts:ExternalId");
                    if (condition.get("StringEquals").isEmpty()) ((ObjectNode) condition).remove("StringEquals");
                    if (condition.isEmpty()) ((ObjectNode) statement).remove("Condition");
                    removed++;
                }
            }
            if (removed == 0) throw new IllegalArgumentException("no sts:ExternalId condition in " + trustPolicy);
            return JSON.writeValueAsString(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
