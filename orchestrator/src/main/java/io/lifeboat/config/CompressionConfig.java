package io.lifeboat.config;

/**
 * zstd settings.
 *
 * @param level   zstd's level; 3 is zstd's own default, about 250 MB/s on one core here
 * @param threads zstd's worker threads ({@code zstd -T}): 0 compresses on the backup's own
 *                thread, which then also reads the dump (and counts a MariaDB dump's rows),
 *                encrypts and hands parts to the upload; with workers those overlap with the
 *                compression. The default, 2, took a MariaDB backup of the scale-0.5 benchmark
 *                from 6.2 to 5.3 s on two cores (bench/backup.sh); each worker holds its own
 *                buffers: the JVM's peak went from 157 to 195 MiB. The output is one standard
 *                zstd frame either way.
 */
public record CompressionConfig(int level, int threads) {
    public static final int DEFAULT_LEVEL = 3;
    public static final int DEFAULT_THREADS = 2;
    public static final int MAX_THREADS = 16;

    public static CompressionConfig defaults() {
        return new CompressionConfig(DEFAULT_LEVEL, DEFAULT_THREADS);
    }
}
