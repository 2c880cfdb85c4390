package io.lifeboat.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * age encryption settings.
 *
 * @param recipients   X25519 public keys ({@code age1...}); the backup side holds nothing else,
 *                     so it cannot read its own backups
 * @param identityFile the private key, on the drill side only
 */
public record EncryptionConfig(List<String> recipients, Optional<Path> identityFile) {
    public EncryptionConfig {
        recipients = List.copyOf(recipients);
    }
}
