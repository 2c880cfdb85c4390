package io.lifeboat.backup;

import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageTarget;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Lists a source's backups from the target itself (read credentials), pairing data objects
 * with manifests by their shared stem. The target is the source of truth: losing lifeboat's
 * host loses no record of what is stored.
 */
public final class BackupLister {

    private final StorageTarget target;

    public BackupLister(StorageTarget target) {
        this.target = target;
    }

    /** Every backup of {@code source}, newest first. */
    public List<BackupEntry> list(String source) {
        Map<BackupId, ObjectInfo> data = new TreeMap<>();
        Map<BackupId, ObjectInfo> manifests = new TreeMap<>();
        for (ObjectInfo o : target.list(BackupKeys.sourcePrefix(source))) {
            String name = o.key().substring(o.key().lastIndexOf('/') + 1);
            Optional<BackupId> id = BackupId.fromFileName(name);
            if (id.isEmpty()) {
                continue;
            }
            if (name.endsWith(BackupKeys.DATA_SUFFIX)) {
                data.put(id.get(), o);
            } else if (name.endsWith(BackupKeys.MANIFEST_SUFFIX)) {
                manifests.put(id.get(), o);
            }
        }
        TreeMap<BackupId, BackupEntry> entries = new TreeMap<>(Comparator.reverseOrder());
        for (Map.Entry<BackupId, ObjectInfo> e : data.entrySet()) {
            if (!manifests.containsKey(e.getKey())) {
                entries.put(e.getKey(), new BackupEntry(e.getKey(), BackupStatus.INCOMPLETE,
                        "no manifest: the backup did not finish, or is finishing now",
                        Optional.of(e.getValue().key()), e.getValue().size(), Optional.empty()));
            }
        }
        for (Map.Entry<BackupId, ObjectInfo> e : manifests.entrySet()) {
            ObjectInfo dataObject = data.get(e.getKey());
            entries.put(e.getKey(), judge(e.getKey(), e.getValue(), dataObject));
        }
        return new ArrayList<>(entries.values());
    }

    /** The newest COMPLETE backup of {@code source}, if any. */
    public Optional<BackupEntry> newestComplete(String source) {
        return list(source).stream().filter(b -> b.status() == BackupStatus.COMPLETE).findFirst();
    }

    private BackupEntry judge(BackupId id, ObjectInfo manifestObject, ObjectInfo dataObject) {
        Optional<String> dataKey = Optional.ofNullable(dataObject).map(ObjectInfo::key);
        long size = dataObject == null ? -1 : dataObject.size();
        Manifest manifest;
        try (InputStream in = target.get(manifestObject.key())) {
            manifest = ManifestCodec.fromJson(in.readAllBytes());
        } catch (IOException e) {
            return new BackupEntry(id, BackupStatus.BAD_MANIFEST, "manifest " + manifestObject.key()
                    + " is unreadable: " + e.getMessage(), dataKey, size, Optional.empty());
        } catch (StorageException e) {
            throw e;
        }
        if (dataObject == null) {
            return new BackupEntry(id, BackupStatus.MISSING_OBJECT, "manifest present but data object "
                    + manifest.objectKey() + " is missing", dataKey, size, Optional.of(manifest));
        }
        if (dataObject.size() != manifest.storedBytes()) {
            return new BackupEntry(id, BackupStatus.SIZE_MISMATCH, "data object is " + dataObject.size()
                    + " bytes, manifest says " + manifest.storedBytes(), dataKey, size, Optional.of(manifest));
        }
        return new BackupEntry(id, BackupStatus.COMPLETE, "", dataKey, size, Optional.of(manifest));
    }
}
