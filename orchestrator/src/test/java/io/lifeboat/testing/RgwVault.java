package io.lifeboat.testing;

import java.util.HexFormat;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A backup vault on Ceph RGW as the terraform modules make it, with fresh names: a versioned
 * bucket with a COMPLIANCE default retention of {@value #RETENTION_DAYS} day and lifecycle expiry
 * after it, a writer role trusted by {@value RgwServer#LIFEBOAT} and a reader role trusted by
 * {@value RgwServer#DRILL}, their permission policies rendered from {@code terraform/policies/}
 * (or given, for tests of a too-broad policy), and the lifeboat target that uses them.
 *
 * <p>RGW 16 cannot evaluate {@code sts:ExternalId} (RgwPolicyTest pins that), so the trust
 * policies go without that condition there; lifeboat still sends the external IDs, as it must on
 * AWS.
 */
public final class RgwVault {

    public static final String PREFIX = "prod";

    public final RgwServer rgw;
    public final String bucket;
    public final String writerRole;
    public final String readerRole;
    public final String writerExternalId;
    public final String readerExternalId;

    private RgwVault(RgwServer rgw, String bucket, String writerRole, String readerRole, String writerExternalId, String readerExternalId) {
        this.rgw = rgw;
        this.bucket = bucket;
        this.writerRole = writerRole;
        this.readerRole = readerRole;
        this.writerExternalId = writerExternalId;
        this.readerExternalId = readerExternalId;
    }

    /** Default COMPLIANCE retention of the vaults made here; lifecycle expiry is a day later. */
    public static final int RETENTION_DAYS = 1;

    /** A vault whose roles carry the policies of terraform/policies. */
    public static RgwVault create(RgwServer rgw) {
        return create(rgw, null, null);
    }

    /** As {@link #create(RgwServer, String, String, boolean)}, with Object Lock. */
    public static RgwVault create(RgwServer rgw, String writerPolicy, String readerPolicy) {
        return create(rgw, writerPolicy, readerPolicy, true);
    }

    /**
     * A vault whose roles carry {@code writerPolicy} and {@code readerPolicy} (compact JSON; null:
     * the terraform template). {@code %BUCKET%} in them stands for the bucket's name.
     */
    public static RgwVault create(RgwServer rgw, String writerPolicy, String readerPolicy, boolean objectLock) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String bucket = "vault-" + id;
        S3Client owner = rgw.s3(RgwServer.OWNER);
        if (objectLock) {
            // As backup-vault makes it: versioned, COMPLIANCE by default, expiry after retention.
            owner.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
            owner.putObjectLockConfiguration(l -> l.bucket(bucket).objectLockConfiguration(c -> c
                    .objectLockEnabled(ObjectLockEnabled.ENABLED)
                    .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(RETENTION_DAYS)))));
            owner.putBucketLifecycleConfiguration(l -> l.bucket(bucket).lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                    .id("expire-after-retention").status(ExpirationStatus.ENABLED).filter(f -> f.prefix(""))
                    .expiration(e -> e.days(RETENTION_DAYS + 1)).build())));
        } else {
            owner.createBucket(b -> b.bucket(bucket));
        }
        String writerExternalId = "wx-" + id + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        String readerExternalId = "rx-" + id + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Map<String, String> vault = Map.of("bucket", bucket, "prefix", PREFIX);
        String writerRole = rgw.createRole("lb-writer-" + id, trust("writer-trust", RgwServer.LIFEBOAT, writerExternalId),
                writerPolicy == null ? PolicyTemplates.render("writer", vault) : writerPolicy.replace("%BUCKET%", bucket));
        String readerRole = rgw.createRole("lb-reader-" + id, trust("reader-trust", RgwServer.DRILL, readerExternalId),
                readerPolicy == null ? PolicyTemplates.render("reader", vault) : readerPolicy.replace("%BUCKET%", bucket));
        return new RgwVault(rgw, bucket, writerRole, readerRole, writerExternalId, readerExternalId);
    }

    private static String trust(String template, String principal, String externalId) {
        return PolicyTemplates.withoutExternalIdCondition(PolicyTemplates.render(template,
                Map.of("principal_arn", RgwServer.userArn(principal), "external_id", externalId)));
    }

    /** A credential that assumes {@code roleArn} from {@code sourceProfile}'s keys, as YAML. */
    public String credentialsYaml(String sourceProfile, String roleArn, String externalId) {
        return ("{ profile: %s, credentials_file: %s, role_arn: \"%s\", external_id: %s, session_duration: 15m,"
                + " session_policy: prefix, sts_endpoint: %s }")
                .formatted(sourceProfile, rgw.credentialsFile(), roleArn, externalId, rgw.endpoint());
    }

    /** The body of a lifeboat target on this vault with the given credentials, as YAML. */
    public String targetYaml(String writeCredentials, String readCredentials) {
        return """
                url: s3://%s/%s
                endpoint: %s
                path_style: true
                checksum: off
                part_size: 5MiB
                write_credentials: %s
                read_credentials: %s
                """.formatted(bucket, PREFIX, rgw.endpoint(), writeCredentials, readCredentials);
    }

    /** The target as terraform's example prints it: each side assumes its own role. */
    public String targetYaml() {
        return targetYaml(credentialsYaml(RgwServer.LIFEBOAT, writerRole, writerExternalId),
                credentialsYaml(RgwServer.DRILL, readerRole, readerExternalId));
    }

    /** What must never appear in output, errors or a child process. */
    public List<String> secrets() {
        return List.of(rgw.secretKey(RgwServer.LIFEBOAT), rgw.secretKey(RgwServer.DRILL), writerExternalId, readerExternalId);
    }
}
