package io.lifeboat.restore;

import io.lifeboat.catalog.Catalog;
import io.lifeboat.catalog.RestoreEventRecord;
import java.util.List;

/**
 * {@link RestoreJournal} as rows of the catalog's {@code lifeboat_restore_event} table: one
 * committed insert per step, so {@link #record} returns only once the step is durable, and a
 * {@link io.lifeboat.catalog.CatalogException} from it stops the step (a restore step that
 * cannot be recorded does not happen).
 */
public final class CatalogRestoreJournal implements RestoreJournal {

    private final Catalog catalog;

    public CatalogRestoreJournal(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void record(Entry e) {
        catalog.recordRestoreEvent(new RestoreEventRecord(e.at(), e.event().name(), e.request(), e.source(), e.backupId(),
                e.database(), e.uid(), e.user(), e.detail()));
    }

    @Override
    public List<Entry> entries() {
        return catalog.restoreEvents().stream().map(CatalogRestoreJournal::entry).toList();
    }

    /** A catalog row as a journal entry. */
    public static Entry entry(RestoreEventRecord r) {
        return new Entry(r.recordedAt(), Event.valueOf(r.event()), r.requestId(), r.source(), r.backupId(), r.database(),
                r.uid(), r.user(), r.reason());
    }
}
