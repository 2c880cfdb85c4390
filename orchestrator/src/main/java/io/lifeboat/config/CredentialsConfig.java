package io.lifeboat.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to obtain one credential (the writer's or the reader's) for an S3 target.
 *
 * @param profile         profile name in the shared credentials file
 * @param credentialsFile the shared credentials file; default {@code ~/.aws/credentials}. Must
 *                        not be readable by group or others.
 * With neither set, the AWS default chain applies (instance role, web identity, ...).
 */
public record CredentialsConfig(Optional<String> profile, Optional<Path> credentialsFile) {
    public static CredentialsConfig defaultChain() {
        return new CredentialsConfig(Optional.empty(), Optional.empty());
    }
}
