/**
 * Running database tools as child processes with an allow-listed environment, stderr drained
 * on its own thread, and exit statuses that are never ignored.
 */
package io.lifeboat.drills.process;
