package io.lifeboat.credentials;

/**
 * Session policies that narrow an assumed role to one target: its bucket, its prefix, and the
 * actions of one side. AWS grants a session the intersection of the role's policy and this, so
 * a role shared by several targets (or drawn too widely) still cannot reach beyond the target.
 * The statements mirror {@code terraform/policies/writer.json} and {@code reader.json}.
 */
final class SessionPolicies {

    private SessionPolicies() {
    }

    /**
     * @param partition {@code aws}, {@code aws-cn}, ... (from the role ARN)
     * @param prefix    key prefix without slashes at either end; empty for the whole bucket
     */
    static String forTarget(Side side, String partition, String bucket, String prefix) {
        // Bucket names and prefixes are validated by the configuration loader to characters that
        // need no JSON escaping (letters, digits and ! - _ . * ' ( ) /).
        String objects = "arn:" + partition + ":s3:::" + bucket + "/" + (prefix.isEmpty() ? "" : prefix + "/") + "*";
        String bucketArn = "arn:" + partition + ":s3:::" + bucket;
        return switch (side) {
            case WRITER -> "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                    + "\"Action\":[\"s3:PutObject\",\"s3:AbortMultipartUpload\"],\"Resource\":[\"" + objects + "\"]}]}";
            case READER -> "{\"Version\":\"2012-10-17\",\"Statement\":["
                    + "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":[\"" + objects + "\"]},"
                    + "{\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\"],\"Resource\":[\"" + bucketArn + "\"]"
                    + (prefix.isEmpty() ? "" : ",\"Condition\":{\"StringLike\":{\"s3:prefix\":[\"" + prefix + "/*\"]}}")
                    + "}]}";
        };
    }

    /** The partition of an ARN ({@code arn:PARTITION:...}). */
    static String partitionOf(String arn) {
        String[] parts = arn.split(":", 3);
        return parts.length > 1 && !parts[1].isEmpty() ? parts[1] : "aws";
    }
}
