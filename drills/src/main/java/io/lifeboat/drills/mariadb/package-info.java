/**
 * MariaDB (and MySQL) sandboxes: {@code ephemeral} private servers made with
 * {@code mariadb-install-db} in a temp dir ({@link io.lifeboat.drills.mariadb.PrivateMariaDbServer}),
 * throwaway databases on a declared {@code server}, both restored into and queried through the
 * {@code mariadb} client ({@code MariaDbClient}), with the login in a temporary 0600 option file.
 */
package io.lifeboat.drills.mariadb;
