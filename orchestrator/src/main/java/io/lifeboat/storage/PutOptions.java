package io.lifeboat.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * Per-object settings of a write.
 *
 * @param contentType MIME type recorded with the object
 * @param lockMode    Object Lock mode (COMPLIANCE or GOVERNANCE), if the target sets retention
 * @param retainUntil Object Lock retain-until date, present exactly when lockMode is
 */
public record PutOptions(String contentType, Optional<String> lockMode, Optional<Instant> retainUntil) {
    public PutOptions {
        if (lockMode.isPresent() != retainUntil.isPresent()) {
            throw new IllegalArgumentException("lock mode and retain-until go together");
        }
    }

    public static PutOptions of(String contentType) {
        return new PutOptions(contentType, Optional.empty(), Optional.empty());
    }
}
