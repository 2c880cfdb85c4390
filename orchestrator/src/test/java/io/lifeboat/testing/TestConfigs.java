package io.lifeboat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configuration files for tests with one source {@code shop} and one target {@code vault}. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * Writes {@code dir/lifeboat-<n>.yaml} with state under {@code dir/state}.
     *
     * @param sourceBody the keys of source {@code shop}, one per line
     * @param targetYaml the keys of target {@code vault}, one per line
     * @param extraYaml  more top-level sections ({@code drills:}, {@code alerts:})
     */
    public static Path write(Path dir, String sourceBody, String targetYaml, String recipient, Path identityFile,
                             String extraYaml) {
        String yaml = """
                state_dir: %s
                sources:
                  shop:
                %s
                targets:
                  vault:
                %s
                encryption:
                  recipients: [ "%s" ]
                  identity_file: %s
                %s
                """.formatted(dir.resolve("state"), sourceBody.stripTrailing().indent(4).stripTrailing(),
                targetYaml.stripTrailing().indent(4).stripTrailing(), recipient, identityFile, extraYaml.stripTrailing());
        Path file = dir.resolve("lifeboat-" + System.nanoTime() + ".yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
