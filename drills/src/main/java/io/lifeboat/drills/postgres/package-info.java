/**
 * PostgreSQL on this host: finding the installed binaries and choosing them by server version
 * ({@link io.lifeboat.drills.postgres.PostgresInstallations}), and private, throwaway servers in
 * a temp directory of their own ({@link io.lifeboat.drills.postgres.PrivatePostgresCluster}) for
 * ephemeral drill sandboxes, tests and the demo, with crash markers so that a process killed
 * mid-drill leaves nothing running for long. Linux only: it relies on /proc and on util-linux to
 * run the server as the {@code postgres} user when lifeboat is root.
 */
package io.lifeboat.drills.postgres;
