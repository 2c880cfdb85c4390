package io.lifeboat.audit;

import java.util.List;
import java.util.Map;

/**
 * The audit of one target.
 *
 * @param target       the target's name
 * @param location     where it is ({@code s3://bucket/prefix at endpoint}), no credentials
 * @param findings     every probe's finding, in the order tried
 * @param worst        per credential, the most dangerous thing it could do that its role does not
 *                     allow, or "nothing beyond its role"
 * @param probeObjects keys of the probe objects written (they may outlive the audit: Object Lock)
 */
public record TargetAudit(String target, String location, List<Finding> findings, Map<String, String> worst, List<String> probeObjects) {

    public boolean failed() {
        return findings.stream().anyMatch(f -> f.status() == Finding.Status.FAIL);
    }
}
