package io.lifeboat.storage;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The settings of a target's bucket that decide whether a backup can be destroyed, as one
 * credential could read them.
 *
 * @param versioning     {@code Enabled}, {@code Suspended}, or empty when never enabled or unreadable
 * @param lockMode       the default retention's mode ({@code COMPLIANCE}, {@code GOVERNANCE}), empty without one
 * @param lockDays       the default retention in days (years counted as 365 days)
 * @param expiryDays     the shortest expiration of the enabled lifecycle rules, empty without one
 * @param unreadable     settings the credential could not read, each with the server's answer
 */
public record BucketSettings(Optional<String> versioning, Optional<String> lockMode, OptionalInt lockDays,
                             OptionalInt expiryDays, List<String> unreadable) {
}
