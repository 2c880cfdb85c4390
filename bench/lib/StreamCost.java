import com.github.luben.zstd.ZstdOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;

/**
 * What one pass over a saved dump costs in a JVM, one part of lifeboat's backup stream at a
 * time: reading it, counting its rows (lifeboat's InsertRowCounter), zstd at the backup's level.
 * Run by bench/profile-backup.sh with lifeboat's class path; prints CPU s of the best of 3 rounds.
 *
 * Usage: java -cp CLASSPATH bench/lib/StreamCost.java DUMP read|count|zstd LEVEL
 */
public class StreamCost {
    public static void main(String[] args) throws Exception {
        String dump = args[0];
        String part = args[1];
        int level = Integer.parseInt(args[2]);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            try (InputStream raw = new FileInputStream(dump)) {
                InputStream in = part.equals("count") ? counter(raw) : raw;
                OutputStream out = part.equals("zstd") ? new ZstdOutputStream(OutputStream.nullOutputStream(), level)
                        : OutputStream.nullOutputStream();
                byte[] buf = new byte[1 << 20]; // BackupPipeline's buffer
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
                out.close();
            }
            best = Math.min(best, (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0) / 1e9);
        }
        System.out.printf("%.2f%n", best);
    }

    /** The counter is package-private in lifeboat: reached the way a test in its package would be. */
    private static InputStream counter(InputStream raw) throws Exception {
        Constructor<?> c = Class.forName("io.lifeboat.engine.mariadb.InsertRowCounter").getDeclaredConstructor(InputStream.class);
        c.setAccessible(true);
        return (InputStream) c.newInstance(raw);
    }
}
