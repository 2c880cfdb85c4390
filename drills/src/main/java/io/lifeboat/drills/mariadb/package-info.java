/**
 * MariaDB (and MySQL) sandboxes: {@code ephemeral} private servers made with
 * {@code mariadb-install-db} in a temp dir ({@link io.lifeboat.drills.mariadb.PrivateMariaDbServer}),
 * throwaway databases on a declared {@code server}, and {@code docker} containers with no network
 * ({@link io.lifeboat.drills.mariadb.DockerMariaDbSandbox}), all restored into and queried through
 * the {@code mariadb} client ({@code MariaDbClient}): on this host with the login in a temporary
 * 0600 option file, in a container as password-less root on the server's socket. On this host a
 * restore runs the dump's INSERTs on two clients at once ({@code TwoClientRestore}, the dump cut
 * by {@code DumpSplitter}).
 */
package io.lifeboat.drills.mariadb;
