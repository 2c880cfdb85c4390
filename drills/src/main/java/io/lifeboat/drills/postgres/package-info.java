/**
 * PostgreSQL on this host: finding the installed binaries and choosing them by server version
 * ({@link io.lifeboat.drills.postgres.PostgresInstallations}), private, throwaway servers in a
 * temp directory of their own ({@link io.lifeboat.drills.postgres.PrivatePostgresCluster}) with
 * crash markers so that a process killed mid-drill leaves nothing running for long, and the two
 * PostgreSQL sandboxes built on them: {@code ephemeral}
 * ({@link io.lifeboat.drills.postgres.EphemeralPostgresSandboxProvider}) and {@code server}
 * ({@link io.lifeboat.drills.postgres.ServerSandboxProvider}), which restore with
 * {@code pg_restore} and query with {@code psql} (client 12 or newer, for {@code --csv}); and
 * {@code docker} ({@link io.lifeboat.drills.postgres.DockerPostgresSandboxProvider}), which runs
 * the same tools inside a container without network ({@link io.lifeboat.drills.docker}).
 * Linux only: it relies on /proc and on util-linux to run the server as the {@code postgres}
 * user when lifeboat is root.
 */
package io.lifeboat.drills.postgres;
