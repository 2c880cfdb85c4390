package io.lifeboat.credentials;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import io.lifeboat.config.AssumeRoleConfig;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.time.Duration;
import java.util.Optional;

/**
 * The temporary credentials of a role assumed with STS AssumeRole from a source credential,
 * renewed by the SDK before they expire (so a backup longer than the session is fine).
 *
 * <p>Nothing is contacted until the first request. A refusal (the trust policy does not name the
 * source principal, a wrong external ID, a session longer than the role allows) surfaces as a
 * {@link LifeboatException} naming the role and the HTTP status, never the external ID or a key.
 */
final class AssumedRoleCredentials implements AwsCredentialsProvider, SdkAutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String roleArn;
    private final StsClient sts;
    private final StsAssumeRoleCredentialsProvider provider;
    private final AwsCredentialsProvider source;

    AssumedRoleCredentials(AssumeRoleConfig config, AwsCredentialsProvider source, Optional<String> region,
                           String sessionName, Optional<String> sessionPolicy) {
        this.roleArn = config.roleArn();
        this.source = source;
        StsClientBuilder builder = StsClient.builder()
                .httpClientBuilder(LazyTrustManagers.urlConnectionClient(TIMEOUT, TIMEOUT))
                .credentialsProvider(source)
                // Custom endpoints rarely care about the region, but the signature needs one.
                .region(Region.of(region.orElse("us-east-1")));
        config.stsEndpoint().ifPresent(builder::endpointOverride);
        this.sts = builder.build();
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(config.roleArn())
                .roleSessionName(sessionName)
                .externalId(config.externalId())
                .durationSeconds((int) config.sessionDuration().toSeconds());
        sessionPolicy.ifPresent(request::policy);
        this.provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(request.build())
                .asyncCredentialUpdateEnabled(false)
                .build();
    }

    @Override
    public AwsCredentials resolveCredentials() {
        try {
            return provider.resolveCredentials();
        } catch (AwsServiceException e) {
            throw new LifeboatException(e.statusCode() == 403 ? ExitCode.FAILED : ExitCode.INCOMPLETE,
                    "could not assume role " + roleArn + " (STS HTTP " + e.statusCode() + "): "
                            + (e.statusCode() == 403 ? "the role's trust policy does not accept this source credential,"
                            + " external ID and session (check the principal, external_id and session_duration)"
                            : e.getClass().getSimpleName()), e);
        } catch (SdkException e) {
            throw new LifeboatException(ExitCode.INCOMPLETE, "could not assume role " + roleArn + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        provider.close();
        sts.close();
        if (source instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }
}
