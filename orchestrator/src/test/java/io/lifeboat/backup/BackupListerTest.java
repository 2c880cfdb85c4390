package io.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.storage.ObjectUpload;
import io.lifeboat.storage.PutOptions;
import io.lifeboat.storage.StorageTarget;
import io.lifeboat.storage.file.FileStorageTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing judges each backup from what is stored, with broken fixtures named by their defect:
 * a data object without manifest (a backup that died between upload and manifest), a manifest
 * without object, an unparseable manifest, and an object whose size disagrees with its manifest.
 */
class BackupListerTest {

    @TempDir
    Path dir;

    private static final PutOptions BIN = PutOptions.of("application/octet-stream");

    private static Manifest manifest(BackupId id, String key, long storedBytes) {
        return new Manifest(Manifest.VERSION, id.toString(), "shop", "postgres", "15.20", "pg_dump-custom", Map.of("pg_dump", "15.20"),
                id.startedAt(), id.startedAt().plusSeconds(5), key, 100, 50, storedBytes, "ab".repeat(32), "zstd-3", "age-x25519",
                List.of("age1example"), Map.of("public.orders", 10L), null, null, "test");
    }

    private static void putData(StorageTarget t, String key, int size) {
        try (ObjectUpload u = t.startUpload(key, BIN)) {
            u.stream().write(new byte[size]);
            u.complete();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void eachDefectIsNamedAndCompleteBackupsAreFound() {
        try (StorageTarget t = new FileStorageTarget(dir)) {
            BackupId good = new BackupId(Instant.parse("2026-11-20T01:00:00Z"), "00000001");
            BackupId missingManifest = new BackupId(Instant.parse("2026-11-21T01:00:00Z"), "00000002");
            BackupId missingObject = new BackupId(Instant.parse("2026-11-22T01:00:00Z"), "00000003");
            BackupId badManifest = new BackupId(Instant.parse("2026-11-23T01:00:00Z"), "00000004");
            BackupId sizeMismatch = new BackupId(Instant.parse("2026-11-24T01:00:00Z"), "00000005");

            putData(t, BackupKeys.dataKey("shop", good), 10);
            t.putIfAbsent(BackupKeys.manifestKey("shop", good), ManifestCodec.toJson(manifest(good, BackupKeys.dataKey("shop", good), 10)), BIN);
            putData(t, BackupKeys.dataKey("shop", missingManifest), 10);
            t.putIfAbsent(BackupKeys.manifestKey("shop", missingObject),
                    ManifestCodec.toJson(manifest(missingObject, BackupKeys.dataKey("shop", missingObject), 10)), BIN);
            putData(t, BackupKeys.dataKey("shop", badManifest), 10);
            t.putIfAbsent(BackupKeys.manifestKey("shop", badManifest), "{ not json".getBytes(StandardCharsets.UTF_8), BIN);
            putData(t, BackupKeys.dataKey("shop", sizeMismatch), 11);
            t.putIfAbsent(BackupKeys.manifestKey("shop", sizeMismatch),
                    ManifestCodec.toJson(manifest(sizeMismatch, BackupKeys.dataKey("shop", sizeMismatch), 10)), BIN);
            // Another source's backup and an unrelated file must not show up.
            putData(t, BackupKeys.dataKey("shopping", good), 10);
            putData(t, "shop/README", 3);

            BackupLister lister = new BackupLister(t);
            List<BackupEntry> entries = lister.list("shop");
            assertEquals(List.of(sizeMismatch, badManifest, missingObject, missingManifest, good),
                    entries.stream().map(BackupEntry::id).toList(), "newest first");
            assertEquals(List.of(BackupStatus.SIZE_MISMATCH, BackupStatus.BAD_MANIFEST, BackupStatus.MISSING_OBJECT,
                    BackupStatus.INCOMPLETE, BackupStatus.COMPLETE), entries.stream().map(BackupEntry::status).toList());
            assertTrue(entries.get(0).detail().contains("11 bytes, manifest says 10"), entries.get(0).detail());
            assertTrue(entries.get(3).detail().contains("no manifest"), entries.get(3).detail());
            assertEquals(good, lister.newestComplete("shop").orElseThrow().id());
            assertTrue(lister.list("nobody").isEmpty());
        }
    }
}
