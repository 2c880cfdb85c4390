package io.lifeboat.backup;

import java.util.Optional;

/**
 * One backup as a listing sees it.
 *
 * @param id         the backup id
 * @param status     complete or what is wrong
 * @param detail     a sentence for a person when the status is not COMPLETE, else empty
 * @param dataKey    the data object's key, if present
 * @param dataBytes  the data object's size, or -1 when absent
 * @param manifest   the parsed manifest, if readable
 */
public record BackupEntry(BackupId id, BackupStatus status, String detail, Optional<String> dataKey, long dataBytes,
                          Optional<Manifest> manifest) {
}
