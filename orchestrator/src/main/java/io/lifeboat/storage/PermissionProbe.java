package io.lifeboat.storage;

import java.time.Instant;

/**
 * Tries, with one credential, each thing a credential might be able to do to a bucket, on probe
 * objects only, and says whether the server allowed it. The audit uses this to report what a
 * credential can really do, which is what its policy documents only claim.
 *
 * <p>Every key is relative to the target's prefix and must lie under {@link #PROBE_PREFIX}:
 * implementations refuse any other key, so a probe can never touch a backup. Probe objects may
 * be impossible to remove (Object Lock), so they are small, named for what they are, and say so
 * in their content. Nothing here retries a refusal; network failures come back as
 * {@link ProbeOutcome.Result#INCONCLUSIVE}.
 */
public interface PermissionProbe extends AutoCloseable {

    /** Where probe objects live, under the target's prefix. */
    String PROBE_PREFIX = "lifeboat-audit-probe/";

    /** PutObject; with {@code ifNoneMatch} only if the key does not exist ({@code If-None-Match: *}). */
    ProbeOutcome put(String key, byte[] content, boolean ifNoneMatch);

    /** GetObject, reading the whole (small) body. */
    ProbeOutcome get(String key);

    /** HeadObject. */
    ProbeOutcome head(String key);

    /** ListObjectsV2 of one page under {@code keyPrefix}. */
    ProbeOutcome list(String keyPrefix);

    /**
     * DeleteObject <em>without</em> a version id: in a versioned bucket it can only add a delete
     * marker, so even a credential that may delete destroys nothing here. This is the one delete
     * call in lifeboat's main code (NoDeleteTest allows exactly this method).
     */
    ProbeOutcome deleteProbe(String key);

    /**
     * PutObjectRetention (COMPLIANCE until {@code until}) on a probe object. {@code until} should
     * be later than the bucket's default retention, so Object Lock itself would allow it and only
     * the credential's permission decides.
     */
    ProbeOutcome extendRetention(String key, Instant until);

    /** Reads the bucket's versioning, Object Lock default retention and lifecycle expiry. */
    BucketSettings bucketSettings();

    @Override
    void close();

    /** Refuses prefixes outside {@link #PROBE_PREFIX}. */
    static String requireProbePrefix(String prefix) {
        if (!prefix.startsWith(PROBE_PREFIX) || prefix.contains("..")) {
            throw new IllegalArgumentException("not a probe prefix: " + prefix + " (probes only touch " + PROBE_PREFIX + ")");
        }
        return prefix;
    }

    /** Refuses keys outside {@link #PROBE_PREFIX}; every implementation calls this first. */
    static String requireProbeKey(String key) {
        if (!key.startsWith(PROBE_PREFIX) || key.contains("..")) {
            throw new IllegalArgumentException("not a probe key: " + key + " (probes only touch " + PROBE_PREFIX + ")");
        }
        return StorageKeys.requireValid(key);
    }
}
