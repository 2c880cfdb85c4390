package io.lifeboat.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where drill outcomes are POSTed. Exactly one of {@code webhookUrl} and {@code webhookUrlFile} is
 * present. Webhook URLs (Slack's in particular) are secrets, so the configuration names a file
 * holding the URL; an inline URL is accepted only for loopback addresses (tests, local relays).
 *
 * @param webhookUrl     an inline URL; loopback only
 * @param webhookUrlFile a file holding the URL alone on its first line, read when an alert is sent
 * @param onPassed       also POST for PASSED drills (FAILED and ERRORED always are)
 * @param timeout        how long one POST may take
 */
public record AlertsConfig(Optional<URI> webhookUrl, Optional<Path> webhookUrlFile, boolean onPassed, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public AlertsConfig {
        if (webhookUrl.isPresent() == webhookUrlFile.isPresent()) {
            throw new IllegalArgumentException("exactly one of webhookUrl and webhookUrlFile must be present");
        }
    }
}
