package io.lifeboat.config;

/**
 * Object Lock headers set on every backup upload. The bucket's default retention applies anyway
 * when it has one; this makes the retention explicit per object.
 *
 * @param mode       COMPLIANCE (nobody can shorten it) or GOVERNANCE
 * @param retainDays days from the upload until the object may be deleted by lifecycle rules
 */
public record ObjectLockConfig(Mode mode, int retainDays) {
    public enum Mode { COMPLIANCE, GOVERNANCE }
}
