package io.lifeboat.storage.s3;

import io.lifeboat.storage.BucketSettings;
import io.lifeboat.storage.PermissionProbe;
import io.lifeboat.storage.ProbeOutcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.DefaultRetention;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * {@link PermissionProbe} on an {@link S3StorageTarget}'s client, so the probes go out exactly as
 * lifeboat's own requests do (same endpoint, addressing, checksum mode and credential).
 */
public final class S3PermissionProbe implements PermissionProbe {

    private final S3StorageTarget target;

    public S3PermissionProbe(S3StorageTarget target) {
        this.target = target;
    }

    @Override
    public ProbeOutcome put(String key, byte[] content, boolean ifNoneMatch) {
        String full = target.fullKey(PermissionProbe.requireProbeKey(key));
        return attempt(() -> {
            PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(target.bucket).key(full)
                    .contentType("text/plain; charset=utf-8").contentLength((long) content.length)
                    // S3 demands an integrity header on writes to Object Lock buckets.
                    .contentMD5(S3StorageTarget.md5(content, content.length));
            if (ifNoneMatch) request.ifNoneMatch("*");
            target.client.putObject(request.build(), RequestBody.fromBytes(content));
            return "stored " + content.length + " bytes";
        });
    }

    @Override
    public ProbeOutcome get(String key) {
        String full = target.fullKey(PermissionProbe.requireProbeKey(key));
        return attempt(() -> "read " + target.client.getObjectAsBytes(r -> r.bucket(target.bucket).key(full)).asByteArray().length + " bytes");
    }

    @Override
    public ProbeOutcome head(String key) {
        String full = target.fullKey(PermissionProbe.requireProbeKey(key));
        return attempt(() -> "size " + target.client.headObject(r -> r.bucket(target.bucket).key(full)).contentLength());
    }

    @Override
    public ProbeOutcome list(String keyPrefix) {
        String full = target.fullKey(PermissionProbe.requireProbePrefix(keyPrefix));
        return attempt(() -> "listed " + target.client.listObjectsV2(r -> r.bucket(target.bucket).prefix(full).maxKeys(10)).keyCount() + " keys");
    }

    @Override
    public ProbeOutcome deleteProbe(String key) {
        String full = target.fullKey(PermissionProbe.requireProbeKey(key));
        // No versionId, ever: see the interface. This is the only delete call in main code.
        return attempt(() -> {
            target.client.deleteObject(r -> r.bucket(target.bucket).key(full));
            return "deleted (a delete marker, if the bucket is versioned)";
        });
    }

    @Override
    public ProbeOutcome extendRetention(String key, Instant until) {
        String full = target.fullKey(PermissionProbe.requireProbeKey(key));
        return attempt(() -> {
            target.client.putObjectRetention(r -> r.bucket(target.bucket).key(full)
                    .retention(t -> t.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(until)));
            return "retention set to COMPLIANCE until " + until;
        });
    }

    @Override
    public BucketSettings bucketSettings() {
        List<String> unreadable = new ArrayList<>();
        Optional<String> versioning = Optional.empty();
        Optional<String> lockMode = Optional.empty();
        OptionalInt lockDays = OptionalInt.empty();
        OptionalInt expiryDays = OptionalInt.empty();
        try {
            versioning = Optional.ofNullable(target.client.getBucketVersioning(r -> r.bucket(target.bucket)).statusAsString());
        } catch (SdkException e) {
            unreadable.add("versioning: " + answer(e));
        }
        try {
            DefaultRetention retention = Optional.ofNullable(target.client.getObjectLockConfiguration(r -> r.bucket(target.bucket))
                    .objectLockConfiguration()).map(c -> c.rule()).map(r -> r.defaultRetention()).orElse(null);
            if (retention != null) {
                lockMode = Optional.ofNullable(retention.modeAsString());
                Integer days = retention.days() != null ? retention.days() : retention.years() != null ? retention.years() * 365 : null;
                lockDays = days == null ? OptionalInt.empty() : OptionalInt.of(days);
            }
        } catch (AwsServiceException e) {
            if (e.statusCode() != 404) unreadable.add("object lock: " + answer(e)); // 404: no Object Lock configuration
        } catch (SdkException e) {
            unreadable.add("object lock: " + answer(e));
        }
        try {
            expiryDays = target.client.getBucketLifecycleConfiguration(r -> r.bucket(target.bucket)).rules().stream()
                    .filter(rule -> rule.status() == ExpirationStatus.ENABLED && rule.expiration() != null && rule.expiration().days() != null)
                    .mapToInt(rule -> rule.expiration().days()).min();
        } catch (AwsServiceException e) {
            if (e.statusCode() != 404) unreadable.add("lifecycle: " + answer(e)); // 404: no lifecycle rules
        } catch (SdkException e) {
            unreadable.add("lifecycle: " + answer(e));
        }
        return new BucketSettings(versioning, lockMode, lockDays, expiryDays, unreadable);
    }

    private static String answer(SdkException e) {
        if (e instanceof AwsServiceException s) {
            return "HTTP " + s.statusCode() + (s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? "" : " " + s.awsErrorDetails().errorCode());
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private ProbeOutcome attempt(Supplier<String> call) {
        try {
            return ProbeOutcome.allowed(200, call.get());
        } catch (AwsServiceException e) {
            int status = e.statusCode();
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : " " + e.awsErrorDetails().errorCode();
            ProbeOutcome.Result result = status == 403 || status == 412 ? ProbeOutcome.Result.REFUSED : ProbeOutcome.Result.INCONCLUSIVE;
            return new ProbeOutcome(result, status, "HTTP " + status + code);
        } catch (SdkException e) {
            return new ProbeOutcome(ProbeOutcome.Result.INCONCLUSIVE, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        target.close();
    }
}
