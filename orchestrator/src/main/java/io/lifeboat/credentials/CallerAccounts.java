package io.lifeboat.credentials;

import io.lifeboat.LifeboatException;
import io.lifeboat.config.CredentialsConfig;
import io.lifeboat.config.TargetConfig;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which account a credential belongs to, for the audit's "separate account" check: a role's
 * account is in its ARN; a source credential's comes from STS GetCallerIdentity, which some
 * S3-compatible servers lack (Ceph RGW 16 answers 405), so the answer may be "unknown".
 */
public final class CallerAccounts {

    /** An account id, or why there is none. */
    public record Answer(Optional<String> account, String detail) {
    }

    private static final Pattern ARN_ACCOUNT = Pattern.compile("arn:[^:]*:[^:]*:[^:]*:([0-9]{12}):.*");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private CallerAccounts() {
    }

    /** The account in an ARN, or empty where it has none (RGW: {@code arn:aws:iam:::role/x}). */
    public static Optional<String> accountOf(String arn) {
        Matcher m = ARN_ACCOUNT.matcher(arn);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The account of {@code config}'s source credential (the one that assumes the role), asked of
     * STS at the role's STS endpoint if it names one.
     */
    public static Answer sourceAccount(CredentialsConfig config, TargetConfig target) {
        AwsCredentialsProvider source;
        try {
            source = AwsCredentials.provider(config);
        } catch (LifeboatException e) {
            return new Answer(Optional.empty(), e.getMessage());
        }
        StsClientBuilder builder = StsClient.builder()
                .httpClientBuilder(LazyTrustManagers.urlConnectionClient(TIMEOUT, TIMEOUT))
                .credentialsProvider(source)
                .region(Region.of(target.region().orElse("us-east-1")));
        config.assumeRole().flatMap(r -> r.stsEndpoint()).ifPresent(builder::endpointOverride);
        try (StsClient sts = builder.build()) {
            return new Answer(Optional.ofNullable(sts.getCallerIdentity().account()), "STS GetCallerIdentity");
        } catch (AwsServiceException e) {
            return new Answer(Optional.empty(), "STS GetCallerIdentity answered HTTP " + e.statusCode()
                    + (e.statusCode() == 405 ? " (not implemented by this server, e.g. Ceph RGW 16)" : ""));
        } catch (SdkException e) {
            return new Answer(Optional.empty(), "STS GetCallerIdentity failed: " + e.getClass().getSimpleName());
        } finally {
            if (source instanceof SdkAutoCloseable closeable) closeable.close();
        }
    }
}
