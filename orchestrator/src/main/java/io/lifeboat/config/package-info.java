/**
 * Reading and validating {@code lifeboat.yaml}: records for each section, and a loader that
 * reports every problem with file, line, key and a hint. Unknown keys are errors, so a typo never
 * silently turns a setting off.
 */
package io.lifeboat.config;
