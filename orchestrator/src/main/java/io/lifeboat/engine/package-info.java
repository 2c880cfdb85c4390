/**
 * The engine seam: {@link io.lifeboat.engine.DatabaseEngine} takes a consistent dump of a source.
 * One sub-package per engine; nothing outside them branches on the engine.
 */
package io.lifeboat.engine;
