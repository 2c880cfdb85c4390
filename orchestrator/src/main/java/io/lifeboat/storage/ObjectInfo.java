package io.lifeboat.storage;

import java.time.Instant;

/** What a listing or stat says of one stored object. */
public record ObjectInfo(String key, long size, Instant lastModified) {
}
