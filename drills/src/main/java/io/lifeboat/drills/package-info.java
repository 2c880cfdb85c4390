/**
 * lifeboat's drill library: everything that happens inside a restore sandbox, and the building
 * blocks it needs (child processes with clean environments, locating database binaries, private
 * database clusters). Knows nothing of S3, Quartz or the CLI; the orchestrator depends on it,
 * never the reverse.
 *
 * <p>Here: {@link io.lifeboat.drills.DrillRunner}, which runs one drill (materialize the backup,
 * create a sandbox, restore, check, tear down) and returns a {@link io.lifeboat.drills.DrillResult};
 * the seams the orchestrator fills in ({@link io.lifeboat.drills.DrillBackup},
 * {@link io.lifeboat.drills.DrillSpec}); and the result's value types.
 */
package io.lifeboat.drills;
