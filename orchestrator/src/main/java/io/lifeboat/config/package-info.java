/**
 * Reading and validating {@code lifeboat.yaml}: records for each section, and a loader that
 * reports every problem with file, line, key and a hint. Unknown keys are errors, so a typo never
 * silently turns a setting off.
 *
 * <p>{@link io.lifeboat.config.ConfigLoader} composes the YAML into nodes (which keep their line
 * numbers) and walks them with {@code YamlMapping}, whose typed getters record problems instead
 * of throwing. Value rules that do not depend on YAML ({@code QuartzCronSyntax},
 * {@code S3BucketName}, {@code ByteSize}, {@code DurationSyntax}, {@code Percentage}) are
 * separate classes tested on plain strings. Rules owned by other modules (engine names, the
 * syntax of a drill check's {@code expect:}) are passed in as {@link io.lifeboat.config.ConfigRules}.
 */
package io.lifeboat.config;
