package io.lifeboat.testing;

import io.lifeboat.drills.testing.TestClusters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link SampleSource} for all tests of a class, in a temp directory of its own that the
 * postgres user can pass through, stopped and removed after the class:
 * {@code @RegisterExtension static final SharedSampleSource SHOP = new SharedSampleSource(2_000);}.
 */
public final class SharedSampleSource implements BeforeAllCallback, AfterAllCallback {

    private final int orders;
    private Path dir;
    private SampleSource source;

    public SharedSampleSource(int orders) {
        this.orders = orders;
    }

    public SampleSource source() {
        return source;
    }

    /** The directory the source's files (password, identity, state) live in. */
    public Path dir() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = TestClusters.openForServer(Files.createTempDirectory("lifeboat-source-"));
        source = SampleSource.start(dir, orders);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            source.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
