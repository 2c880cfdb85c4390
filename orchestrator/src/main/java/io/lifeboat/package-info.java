/**
 * lifeboat's application: configuration, dumping sources, the streaming backup pipeline, storage
 * targets, credentials and the CLI. The exit-code contract and the base exception live here; each
 * capability has its own sub-package.
 */
package io.lifeboat;
