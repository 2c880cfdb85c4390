package io.lifeboat.config;

/**
 * What is wrong with one value and how to fix it, before it is tied to a file, line and key.
 * The value checkers ({@link QuartzCronSyntax}, {@link S3BucketName}, ...) return these so they
 * stay independent of YAML and can be tested on plain strings.
 */
record Defect(String message, String hint) {
}
