package io.lifeboat.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The S3 bucket naming rules (general purpose buckets), checked at load time because a bad name
 * otherwise surfaces as an opaque error from the first upload.
 */
final class S3BucketName {
    private static final Pattern ALLOWED = Pattern.compile("[a-z0-9.-]+");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final List<String> RESERVED_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> RESERVED_SUFFIXES = List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");
    private static final String RULES = "bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens,"
            + " starting and ending with a letter or digit";

    private S3BucketName() {
    }

    /** Empty when {@code name} is a valid bucket name; otherwise what is wrong. */
    static Optional<Defect> check(String name) {
        String q = ProblemList.quote(name);
        if (name.length() < 3 || name.length() > 63) {
            return defect(q + " is " + name.length() + " characters long", RULES);
        }
        if (!ALLOWED.matcher(name).matches()) {
            String hint = !name.equals(name.toLowerCase(java.util.Locale.ROOT)) ? "use lowercase: " + RULES
                    : name.contains("_") ? "underscores are not allowed: " + RULES : RULES;
            return defect(q + " has characters not allowed in a bucket name", hint);
        }
        if (!Character.isLetterOrDigit(name.charAt(0)) || !Character.isLetterOrDigit(name.charAt(name.length() - 1))) {
            return defect(q + " must start and end with a letter or digit", RULES);
        }
        if (name.contains("..")) {
            return defect(q + " has two dots in a row", RULES);
        }
        if (IPV4.matcher(name).matches()) {
            return defect(q + " looks like an IP address, which S3 does not allow as a bucket name",
                    "give the bucket's name; put a server address in endpoint");
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (name.startsWith(prefix)) {
                return defect(q + " starts with " + ProblemList.quote(prefix) + ", which S3 reserves", RULES);
            }
        }
        for (String suffix : RESERVED_SUFFIXES) {
            if (name.endsWith(suffix)) {
                return defect(q + " ends with " + ProblemList.quote(suffix) + ", which S3 reserves", RULES);
            }
        }
        return Optional.empty();
    }

    private static Optional<Defect> defect(String message, String hint) {
        return Optional.of(new Defect(message, hint));
    }
}
