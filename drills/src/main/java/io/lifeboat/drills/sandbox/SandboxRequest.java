package io.lifeboat.drills.sandbox;

/**
 * What a drill needs from a sandbox.
 *
 * @param drillName     the drill's name (part of throwaway database names)
 * @param runId         this run's id (part of throwaway database names; unique per run)
 * @param engine        engine name of the backup ({@code postgres}, {@code mariadb})
 * @param serverVersion the source server's version from the manifest (picks binaries or image)
 */
public record SandboxRequest(String drillName, String runId, String engine, String serverVersion) {
}
