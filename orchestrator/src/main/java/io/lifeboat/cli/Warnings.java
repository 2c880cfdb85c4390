package io.lifeboat.cli;

import io.lifeboat.config.TargetConfig;
import java.util.Optional;

/** Warnings that every command using a target repeats, so nobody mistakes a trial for a backup. */
final class Warnings {
    private Warnings() {
    }

    static Optional<String> blastRadius(TargetConfig target) {
        if (!target.insideBlastRadius()) {
            return Optional.empty();
        }
        return Optional.of("target '" + target.name() + "' (" + target.url() + ") is inside the blast radius: whatever can"
                + " destroy this host or its disks can destroy these backups too. Use an s3:// target in a separate"
                + " account for real backups.");
    }
}
