/**
 * lifeboat's drill library: everything that happens inside a restore sandbox, and the building
 * blocks it needs (child processes with clean environments, locating database binaries, private
 * database clusters). Knows nothing of S3, Quartz or the CLI; the orchestrator depends on it,
 * never the reverse.
 */
package io.lifeboat.drills;
