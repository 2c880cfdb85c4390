/**
 * Taking a backup: the streaming pipeline, backup ids and keys, the manifest, and listing what a
 * target holds for a source (complete, incomplete or damaged).
 */
package io.lifeboat.backup;
