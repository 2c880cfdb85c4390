package io.lifeboat.drills.sandbox;

import io.lifeboat.drills.testing.TestClusters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The contract for {@code ephemeral} providers of every engine: private servers go into a parent
 * directory of the test's own, which must be empty after every test (no server directory, no
 * crash marker). Subclasses make their provider in {@link #parent}.
 */
public abstract class EphemeralSandboxContract extends SandboxProviderContract {

    @TempDir
    protected Path tmp;
    protected Path parent;

    @BeforeEach
    void openParent() throws IOException {
        parent = TestClusters.openForServer(tmp);
    }

    @AfterEach
    void nothingLeftBehind() throws IOException {
        assertEmpty(parent);
    }

    /**
     * What a provider keeps in {@link #parent} on purpose, shared by all its sandboxes and none's
     * own (MariaDB's installed data directory template); everything else must go with the sandbox.
     */
    protected boolean isSharedCache(Path entry) {
        return false;
    }

    /** The closed sandbox's own directory. */
    protected abstract Path directoryOf(Sandbox sandbox);

    @Override
    protected void assertRemoved(Sandbox closed) throws IOException {
        assertFalse(Files.exists(directoryOf(closed)));
        assertEmpty(parent);
    }

    protected void assertEmpty(Path dir) throws IOException {
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> !isSharedCache(p)).toList(), "left behind in " + dir);
        }
    }
}
