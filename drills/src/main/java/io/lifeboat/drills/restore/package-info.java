/**
 * Restoring a backup onto a real server for disaster recovery, engine-neutral: a
 * {@link io.lifeboat.drills.restore.RestoreTarget} inspects and creates databases on one server,
 * and a {@link io.lifeboat.drills.restore.NewDatabase} is restored into, checked like a drill
 * sandbox, and then kept, swapped in for an existing database, or dropped. Engines implement it
 * in their own packages ({@code drills.postgres}); nothing here branches on the engine.
 */
package io.lifeboat.drills.restore;
