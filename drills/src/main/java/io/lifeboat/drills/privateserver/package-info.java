/**
 * What every private, throwaway database server lifeboat runs in a temp dir has in common,
 * whatever its engine: the account it runs as (an unprivileged system user when lifeboat is
 * root), the private parent directory, the crash marker beside each server directory, finding
 * and killing a server's processes by their working directory, and reaping what a killed JVM
 * left behind. The engines' own start and stop steps live with the engine
 * ({@code io.lifeboat.drills.postgres}, {@code io.lifeboat.drills.mariadb}).
 */
package io.lifeboat.drills.privateserver;
