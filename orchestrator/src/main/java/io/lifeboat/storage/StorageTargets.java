package io.lifeboat.storage;

import io.lifeboat.config.TargetConfig;
import io.lifeboat.storage.file.FileStorageTarget;
import io.lifeboat.storage.s3.S3StorageTarget;

/** Opens the {@link StorageTarget} a configuration names, with the credential the caller's role needs. */
public final class StorageTargets {

    /** Which of a target's two credentials to use. */
    public enum Access {
        /** The backup side: {@link TargetConfig#writeCredentials()}, which may only put objects. */
        WRITE,
        /** Drills, listings, audits: {@link TargetConfig#readCredentials()}, which may only get and list. */
        READ
    }

    private StorageTargets() {
    }

    /**
     * Opens {@code config}'s target. File targets have no credentials. Nothing is contacted yet:
     * an unreachable S3 endpoint shows on the first operation.
     *
     * @throws io.lifeboat.LifeboatException exit code 2 if the chosen credential or the target
     *                                       configuration is unusable
     */
    public static StorageTarget open(TargetConfig config, Access access) {
        return switch (config.kind()) {
            case FILE -> FileStorageTarget.of(config);
            case S3 -> S3StorageTarget.open(config,
                    access == Access.WRITE ? config.writeCredentials() : config.readCredentials());
        };
    }
}
