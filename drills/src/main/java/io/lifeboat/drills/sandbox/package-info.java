/**
 * Sandboxes, engine-neutral: the throwaway databases a drill restores into ({@code ephemeral}
 * private clusters, throwaway databases on a declared {@code server}, {@code docker} containers
 * with no network), the provider seam, and the {@link io.lifeboat.drills.sandbox.SandboxGuard}
 * that keeps a drill away from production. Engine implementations live with their engine
 * ({@code io.lifeboat.drills.postgres}, {@code io.lifeboat.drills.mariadb}).
 */
package io.lifeboat.drills.sandbox;
