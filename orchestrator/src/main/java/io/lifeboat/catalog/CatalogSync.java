package io.lifeboat.catalog;

import io.lifeboat.backup.BackupEntry;
import io.lifeboat.backup.BackupLister;
import io.lifeboat.backup.BackupStatus;
import io.lifeboat.backup.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilds a source's backup entries from the bucket: every complete backup (data object and
 * manifest agree) that the catalog does not know yet is added, from its manifest. The bucket is
 * the source of truth, so losing the lifeboat host (and its H2 catalog) loses no record of
 * backups. Only the reader credential is needed; nothing in the bucket is changed.
 */
public final class CatalogSync {

    /**
     * What one source's sync found.
     *
     * @param source  the source
     * @param listed  backups in the bucket (any status)
     * @param added   complete backups the catalog did not have
     * @param skipped backups that are not complete, each with why ("id: detail")
     */
    public record SourceSync(String source, int listed, int added, List<String> skipped) {
    }

    private final Catalog catalog;

    public CatalogSync(Catalog catalog) {
        this.catalog = catalog;
    }

    public SourceSync sync(String source, BackupLister lister) {
        List<BackupEntry> entries = lister.list(source);
        int added = 0;
        List<String> skipped = new ArrayList<>();
        for (BackupEntry e : entries) {
            if (e.status() != BackupStatus.COMPLETE || e.manifest().isEmpty()) {
                // Not a backup a restore can use; the catalog records runs and restorable backups only.
                skipped.add(e.id() + " " + e.status() + ": " + e.detail());
                continue;
            }
            Manifest m = e.manifest().get();
            BackupRecord r = new BackupRecord(source, Optional.of(m.backupId()), BackupOutcome.SUCCEEDED,
                    "found in the bucket by catalog sync", m.startedAt(), m.finishedAt(), m.rawBytes(), m.storedBytes(),
                    Optional.of(m.objectKey()), RunOrigin.SYNC, NodeName.current());
            if (catalog.addBackupIfAbsent(r)) {
                added++;
            }
        }
        return new SourceSync(source, entries.size(), added, skipped);
    }
}
