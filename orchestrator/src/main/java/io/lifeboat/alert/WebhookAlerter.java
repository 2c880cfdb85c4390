package io.lifeboat.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.drill.DrillResultJson;
import io.lifeboat.drills.DrillResult;
import io.lifeboat.drills.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts drill results to a webhook: the result as JSON plus a Slack-compatible {@code text}
 * field, so the same URL works for Slack, Mattermost, and generic receivers. Sent on FAILED and
 * ERRORED, and on PASSED when configured. A webhook that cannot be reached is itself reported
 * loudly by the caller; it never changes the drill's outcome.
 */
public final class WebhookAlerter {

    private final URI url;
    private final Duration timeout;
    private final boolean onPassed;
    private final HttpClient client;

    public WebhookAlerter(URI url, Duration timeout, boolean onPassed) {
        this.url = url;
        this.timeout = timeout;
        this.onPassed = onPassed;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public boolean wants(DrillResult result) {
        return result.outcome() != Outcome.PASSED || onPassed;
    }

    /**
     * Sends the alert.
     *
     * @throws AlertFailedException naming the host (never the full URL: webhook URLs carry tokens) and why
     */
    public void send(DrillResult result) throws AlertFailedException {
        ObjectNode body = DrillResultJson.toJson(result);
        body.put("text", text(result));
        post(body);
    }

    /**
     * Posts a message that is not a drill result (a restore request's one-time code): {@code text}
     * for chat, plus {@code fields} for generic receivers. The body is never logged.
     *
     * @throws AlertFailedException naming the host only
     */
    public void sendMessage(String text, java.util.Map<String, String> fields) throws AlertFailedException {
        ObjectNode body = DrillResultJson.mapper().createObjectNode();
        fields.forEach(body::put);
        body.put("text", text);
        post(body);
    }

    /** The webhook of an {@code alerts:} section, its URL read from the file when it lives in one. */
    public static WebhookAlerter of(io.lifeboat.config.AlertsConfig alerts) {
        URI url = alerts.webhookUrl().orElseGet(() -> URI.create(io.lifeboat.drills.process.PrivateFiles.readFirstLine(
                alerts.webhookUrlFile().orElseThrow(), "webhook URL file").strip()));
        return new WebhookAlerter(url, alerts.timeout(), alerts.onPassed());
    }

    private void post(ObjectNode body) throws AlertFailedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "lifeboat")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AlertFailedException("webhook at " + safe(url) + " answered HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new AlertFailedException("webhook at " + safe(url) + " could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertFailedException("interrupted while sending the alert to " + safe(url));
        }
    }

    /** The one-line message a person reads in chat. */
    public static String text(DrillResult r) {
        String icon = switch (r.outcome()) {
            case PASSED -> ":white_check_mark:";
            case FAILED -> ":red_circle:";
            case ERRORED -> ":warning:";
        };
        return icon + " lifeboat drill *" + r.drill() + "* " + r.outcome() + r.backupId().map(id -> " (backup " + id + ")").orElse("")
                + ": " + r.reason();
    }

    /** Scheme, host and port only: the path and query of a webhook URL are its secret. */
    public static String safe(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "/…";
    }

    /** The alert could not be delivered. */
    public static final class AlertFailedException extends Exception {
        public AlertFailedException(String message) {
            super(message);
        }
    }
}
