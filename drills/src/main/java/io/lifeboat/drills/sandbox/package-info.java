/**
 * Sandboxes: throwaway databases a drill restores into ({@code ephemeral} private clusters,
 * throwaway databases on a declared {@code server}, {@code docker} containers with no network),
 * the guard that keeps a drill away from production, and the provider seam.
 */
package io.lifeboat.drills.sandbox;
