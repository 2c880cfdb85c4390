package io.lifeboat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh directory per test under {@code target/test-tmp/} (the shared /tmp gets nothing), removed
 * by {@link #close()}. Keeping it under target/ also means a failed run leaves its evidence where
 * {@code mvn clean} finds it.
 */
public final class TestDirs implements AutoCloseable {
    private static final Path ROOT = Path.of("target", "test-tmp").toAbsolutePath();

    public final Path dir;

    private TestDirs(Path dir) {
        this.dir = dir;
    }

    public static TestDirs create(String name) {
        try {
            Files.createDirectories(ROOT);
            return new TestDirs(Files.createTempDirectory(ROOT, name + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
