package io.lifeboat.storage;

import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.TargetConfig;
import io.lifeboat.credentials.Side;
import io.lifeboat.storage.file.FileStorageTarget;
import io.lifeboat.storage.s3.S3PermissionProbe;
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
            case S3 -> access == Access.WRITE
                    ? S3StorageTarget.open(config, config.writeCredentials(), Side.WRITER)
                    : S3StorageTarget.open(config, config.readCredentials(), Side.READER);
        };
    }

    /**
     * A {@link PermissionProbe} on an S3 target with the credential of {@code access}, for the
     * audit. An assumed role is probed without lifeboat's session policy: whoever holds the
     * source credential can assume the role without one, so the role's own policy is what counts.
     * File targets have no credentials to probe.
     *
     * @throws IllegalArgumentException for a file target
     */
    public static PermissionProbe openProbe(TargetConfig config, Access access) {
        if (config.kind() != TargetConfig.Kind.S3) {
            throw new IllegalArgumentException("target " + config.name() + " is not an S3 target");
        }
        return new S3PermissionProbe(access == Access.WRITE
                ? S3StorageTarget.open(config, config.writeCredentials().withoutSessionPolicy(), Side.WRITER)
                : S3StorageTarget.open(config, config.readCredentials().withoutSessionPolicy(), Side.READER));
    }

    /** A {@link PermissionProbe} with a credential that is not the target's, used as it is (the audit's agents). */
    public static PermissionProbe openAgentProbe(TargetConfig config, CredentialsConfig agent) {
        return new S3PermissionProbe(S3StorageTarget.open(config, agent));
    }
}
