package io.lifeboat.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * STS AssumeRole into the backup account: the writer and the reader are each a role there,
 * assumed from a source credential that only lifeboat's service user can read.
 *
 * @param roleArn         the role, e.g. {@code arn:aws:iam::222222222222:role/lifeboat-writer}
 * @param externalId      the external ID the role's trust policy demands (not a secret to AWS,
 *                        but never logged: it is one of the two things an impostor needs)
 * @param sessionDuration how long each set of temporary credentials lives (15 min to 12 h); they
 *                        are renewed before they expire, so long backups are fine
 * @param sessionPolicy   whether to narrow the session further than the role's policy allows
 * @param stsEndpoint     custom STS endpoint (Ceph RGW); AWS's regional one otherwise
 */
public record AssumeRoleConfig(String roleArn, String externalId, Duration sessionDuration,
                               SessionPolicy sessionPolicy, Optional<URI> stsEndpoint) {

    /** Without the external ID: a record's default toString would print it wherever a config is logged. */
    @Override
    public String toString() {
        return "AssumeRoleConfig[roleArn=" + roleArn + ", externalId=(redacted), sessionDuration=" + sessionDuration
                + ", sessionPolicy=" + sessionPolicy + ", stsEndpoint=" + stsEndpoint + "]";
    }

    public enum SessionPolicy {
        /** The role's own policy applies as it is. */
        NONE,
        /**
         * A session policy limits the session to the target's bucket and prefix and to the side's
         * actions (put for the writer, get and list for the reader), whatever else the role may do.
         */
        PREFIX
    }
}
