package io.lifeboat.backup;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Where a backup's two objects live, relative to the target's prefix:
 * {@code <source>/<yyyy>/<mm>/<dd>/<id>.dump.zst.age} and, beside it with the same stem,
 * {@code <id>.manifest.json}. The date folders keep listings of one day cheap.
 */
public final class BackupKeys {
    public static final String DATA_SUFFIX = ".dump.zst.age";
    public static final String MANIFEST_SUFFIX = ".manifest.json";

    private BackupKeys() {
    }

    public static String folder(String source, BackupId id) {
        ZonedDateTime t = id.startedAt().atZone(ZoneOffset.UTC);
        return String.format("%s/%04d/%02d/%02d/", source, t.getYear(), t.getMonthValue(), t.getDayOfMonth());
    }

    public static String dataKey(String source, BackupId id) {
        return folder(source, id) + id + DATA_SUFFIX;
    }

    public static String manifestKey(String source, BackupId id) {
        return folder(source, id) + id + MANIFEST_SUFFIX;
    }

    /** The prefix under which all of a source's backups are listed. */
    public static String sourcePrefix(String source) {
        return source + "/";
    }
}
