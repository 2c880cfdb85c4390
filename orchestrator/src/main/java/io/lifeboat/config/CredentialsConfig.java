package io.lifeboat.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to obtain one credential (the writer's or the reader's) for an S3 target.
 *
 * @param profile         profile name in the shared credentials file
 * @param credentialsFile the shared credentials file; default {@code ~/.aws/credentials}. Must
 *                        not be readable by group or others.
 * @param assumeRole      if present, the credential above (the <em>source</em> credential) is
 *                        only used to assume this role in the backup account, and S3 sees the
 *                        role's temporary credentials only
 * With neither profile nor file set, the source is the AWS default chain (instance role, web
 * identity, ...).
 */
public record CredentialsConfig(Optional<String> profile, Optional<Path> credentialsFile, Optional<AssumeRoleConfig> assumeRole) {

    /** A credential used as it is, without assuming a role. */
    public CredentialsConfig(Optional<String> profile, Optional<Path> credentialsFile) {
        this(profile, credentialsFile, Optional.empty());
    }

    public static CredentialsConfig defaultChain() {
        return new CredentialsConfig(Optional.empty(), Optional.empty());
    }

    /** The same credential, assuming its role (if any) with the role's own policy only. */
    public CredentialsConfig withoutSessionPolicy() {
        return new CredentialsConfig(profile, credentialsFile, assumeRole.map(r -> new AssumeRoleConfig(r.roleArn(), r.externalId(),
                r.sessionDuration(), AssumeRoleConfig.SessionPolicy.NONE, r.stsEndpoint())));
    }
}
