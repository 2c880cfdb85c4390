/**
 * The {@code file:///dir} storage target: trials, tests and the demo. Publishes with a hard link so
 * an existing file is never replaced; always inside the blast radius.
 */
package io.lifeboat.storage.file;
