package io.lifeboat.storage;

/**
 * What the server did with one probe.
 *
 * @param result     allowed, refused, or could not tell
 * @param httpStatus the HTTP status (0 when no response came)
 * @param detail     the server's error code and message, or what was seen
 */
public record ProbeOutcome(Result result, int httpStatus, String detail) {

    public enum Result {
        /** The server did it. */
        ALLOWED,
        /** The server refused: 403 (permission or Object Lock) or 412 (the key exists). */
        REFUSED,
        /** Something else happened (network, 400 for a feature the bucket lacks, 5xx). */
        INCONCLUSIVE
    }

    public static ProbeOutcome allowed(int status, String detail) {
        return new ProbeOutcome(Result.ALLOWED, status, detail);
    }
}
