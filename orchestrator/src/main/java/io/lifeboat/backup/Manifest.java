package io.lifeboat.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The record of one backup, stored as JSON beside the data object and written only after the
 * data object completed: a backup without a manifest is incomplete by definition. It holds
 * everything a restore or a drill needs to judge the object without trusting anything else:
 * the SHA-256 of the stored bytes, sizes, and row counts at dump time.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record Manifest(
        @JsonProperty("manifest_version") int manifestVersion,
        @JsonProperty("backup_id") String backupId,
        @JsonProperty("source") String source,
        @JsonProperty("engine") String engine,
        @JsonProperty("server_version") String serverVersion,
        @JsonProperty("dump_format") String dumpFormat,
        @JsonProperty("tool_versions") Map<String, String> toolVersions,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        @JsonProperty("object_key") String objectKey,
        @JsonProperty("raw_bytes") long rawBytes,
        @JsonProperty("compressed_bytes") long compressedBytes,
        @JsonProperty("stored_bytes") long storedBytes,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("compression") String compression,
        @JsonProperty("encryption") String encryption,
        @JsonProperty("recipients") List<String> recipients,
        @JsonProperty("row_counts") Map<String, Long> rowCounts,
        @JsonProperty("object_lock") ObjectLock objectLock,
        @JsonProperty("canary") Canary canary,
        @JsonProperty("lifeboat_version") String lifeboatVersion) {

    public static final int VERSION = 1;

    /**
     * The row written into {@code lifeboat_canary} just before the dump, when the source has
     * {@code canary: true}: a drill of this backup must find exactly this row.
     */
    public record Canary(@JsonProperty("token") String token, @JsonProperty("written_at") Instant writtenAt) {
    }

    /** Object Lock applied at upload, if any. */
    public record ObjectLock(@JsonProperty("mode") String mode, @JsonProperty("retain_until") Instant retainUntil) {
    }
}
