package io.lifeboat.storage.s3;

import io.lifeboat.storage.StorageException;
import io.lifeboat.storage.StorageException.Kind;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Maps what the SDK throws to a {@link StorageException} whose kind the callers act on and whose
 * message names the operation, the object, and the HTTP status, error code and error text the
 * server sent. Credentials never appear: neither the SDK nor S3 servers echo the secret key, and
 * nothing here adds request headers.
 */
final class S3Errors {

    private S3Errors() {
    }

    /**
     * @param action   what was being done, e.g. "upload part 3 of"
     * @param location {@code s3://bucket/key}
     * @param endpoint where the request went, for unreachable errors
     */
    static StorageException map(String action, String location, String endpoint, Exception e) {
        if (e instanceof StorageException already) {
            return already;
        }
        if (e instanceof AwsServiceException service) {
            return fromService(action, location, service);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || (e instanceof SdkClientException && ioCause(e) != null)) {
            Throwable io = ioCause(e);
            String why = io == null ? "timed out" : io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage());
            return new StorageException(Kind.UNREACHABLE, "could not reach " + endpoint + " to " + action + " "
                    + location + " (after retries): " + why, e);
        }
        if (e instanceof InterruptedException || e instanceof InterruptedIOException) {
            Thread.currentThread().interrupt();
            return new StorageException(Kind.FAILED, "interrupted while trying to " + action + " " + location, e);
        }
        return new StorageException(Kind.FAILED, "could not " + action + " " + location + ": "
                + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static StorageException fromService(String action, String location, AwsServiceException e) {
        int status = e.statusCode();
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        String detail = details == null || details.errorMessage() == null ? "" : ": " + details.errorMessage();
        String what = "HTTP " + status + (code.isEmpty() ? "" : " " + code) + detail;
        if (status == 412 || "PreconditionFailed".equals(code)) {
            return new StorageException(Kind.ALREADY_EXISTS, location
                    + " already exists: lifeboat never replaces a stored object (" + what + ")", e);
        }
        if (status == 403) {
            return new StorageException(Kind.ACCESS_DENIED, "access denied to " + action + " " + location + " (" + what
                    + "); check that the credential is the right one for this target and that its policy allows this", e);
        }
        // A missing bucket or upload is a broken setup or a lost upload, not a missing object.
        if ((status == 404 || "NoSuchKey".equals(code)) && !"NoSuchBucket".equals(code) && !"NoSuchUpload".equals(code)) {
            return new StorageException(Kind.NOT_FOUND, "no object " + location + " (" + what + ")", e);
        }
        return new StorageException(Kind.FAILED, "could not " + action + " " + location + " (" + what + ")", e);
    }

    private static Throwable ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) return t;
        }
        return null;
    }
}
