/**
 * MariaDB and MySQL: {@code mariadb-dump} (or {@code mysqldump}) of one database in one
 * consistent snapshot, with the login in a temporary 0600 option file, row counts taken from the
 * dump's own INSERTs, and the canary row; sandboxes from {@code io.lifeboat.drills.mariadb}.
 */
package io.lifeboat.engine.mariadb;
