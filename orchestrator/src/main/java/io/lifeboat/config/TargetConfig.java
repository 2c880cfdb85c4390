package io.lifeboat.config;

import java.net.URI;
import java.util.Optional;

/**
 * Where backups are stored.
 *
 * @param name             the key under {@code targets:}
 * @param url              {@code s3://bucket/prefix} or {@code file:///dir}
 * @param region           AWS region (S3 only; a default is used for custom endpoints)
 * @param endpoint         custom S3 endpoint (Ceph RGW, MinIO, loopback servers)
 * @param pathStyle        path-style addressing, needed by most non-AWS servers
 * @param checksum         whether uploads carry S3 SHA-256 checksums (some servers reject them)
 * @param objectLock       Object Lock headers to set on every upload, if any
 * @param partSizeBytes    multipart part size: memory use is a small multiple of this
 * @param writeCredentials what the backup side uses: may only put objects
 * @param readCredentials  what drills and listings use: may only get and list
 * @param line             line of the target's key in the file
 * @param auditSchedule    Quartz cron on which {@code lifeboat serve} audits the target ({@code audit_schedule})
 */
public record TargetConfig(
        String name,
        URI url,
        Optional<String> region,
        Optional<URI> endpoint,
        boolean pathStyle,
        ChecksumMode checksum,
        Optional<ObjectLockConfig> objectLock,
        long partSizeBytes,
        CredentialsConfig writeCredentials,
        CredentialsConfig readCredentials,
        int line,
        Optional<String> auditSchedule) {

    /** A target that is audited only by hand. */
    public TargetConfig(String name, URI url, Optional<String> region, Optional<URI> endpoint, boolean pathStyle,
                        ChecksumMode checksum, Optional<ObjectLockConfig> objectLock, long partSizeBytes,
                        CredentialsConfig writeCredentials, CredentialsConfig readCredentials, int line) {
        this(name, url, region, endpoint, pathStyle, checksum, objectLock, partSizeBytes, writeCredentials, readCredentials, line,
                Optional.empty());
    }

    public enum Kind { S3, FILE }

    public enum ChecksumMode {
        /** Every part and the completed object carry an S3 SHA-256 checksum (AWS). */
        SHA256,
        /** No S3 checksum headers; lifeboat's own SHA-256 in the manifest still applies. */
        OFF
    }

    public Kind kind() {
        return "file".equals(url.getScheme()) ? Kind.FILE : Kind.S3;
    }

    /** S3 bucket name; only for {@link Kind#S3}. */
    public String bucket() {
        // Not getHost(): java.net.URI only accepts host names whose last label starts with a
        // letter, so it returns null for valid buckets such as "backups.2024".
        return url.getAuthority();
    }

    /** Key prefix without leading or trailing slash; empty when the URL names the bucket only. */
    public String prefix() {
        String p = kind() == Kind.FILE ? "" : url.getPath();
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }

    /**
     * A file target lives on a disk that the host being backed up can reach, so whatever can
     * destroy the host can destroy its backups. Every command that uses one says so.
     */
    public boolean insideBlastRadius() {
        return kind() == Kind.FILE;
    }
}
