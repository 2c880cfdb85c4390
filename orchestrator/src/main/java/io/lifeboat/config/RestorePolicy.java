package io.lifeboat.config;

import java.time.Duration;

/**
 * How {@code lifeboat restore --apply} of a source is confirmed by a person.
 *
 * @param gate          {@code tty}: the person at the controlling terminal types the database name
 *                      and a one-time code; {@code approval}: a pending request whose code goes only
 *                      to the alert webhook, approved by another OS user
 * @param requestExpiry how long an approval request stays valid (approval gate only)
 */
public record RestorePolicy(Gate gate, Duration requestExpiry) {

    public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(30);
    public static final RestorePolicy DEFAULT = new RestorePolicy(Gate.TTY, DEFAULT_EXPIRY);

    /** The gates, as spelled in the configuration. */
    public enum Gate {
        TTY("tty"), APPROVAL("approval");

        private final String configName;

        Gate(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }
}
