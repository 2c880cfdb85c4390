package io.lifeboat.backup;

import java.time.Duration;

/**
 * A completed backup.
 *
 * @param manifest    what was stored (and written beside it)
 * @param manifestKey where the manifest is, relative to the target's prefix
 * @param target      the target's description ({@code s3://bucket/prefix})
 * @param duration    wall time from start to the manifest
 */
public record BackupResult(Manifest manifest, String manifestKey, String target, Duration duration) {
}
