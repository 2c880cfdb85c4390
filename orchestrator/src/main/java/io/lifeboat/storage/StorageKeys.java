package io.lifeboat.storage;

import java.nio.charset.StandardCharsets;

/**
 * The one set of key rules every {@link StorageTarget} enforces, so a key that works on a
 * {@code file://} trial target works on S3 and the other way round.
 *
 * <p>A key is one or more {@code /}-separated segments; no segment is empty, {@code .} or
 * {@code ..} (a file target would otherwise escape its directory, and S3 consoles show such keys
 * confusingly), none starts with {@code .partial-} (the file target's in-progress marker), and
 * there are no control characters. At most 1024 bytes of UTF-8, the S3 limit.
 */
public final class StorageKeys {

    /** Name prefix of a file target's in-progress uploads; reserved so they never look like objects. */
    public static final String PARTIAL_PREFIX = ".partial-";

    private StorageKeys() {
    }

    /** Returns {@code key} if it follows the rules above, else throws IllegalArgumentException saying which. */
    public static String requireValid(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("storage key is empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new IllegalArgumentException("storage key is longer than 1024 bytes: " + key.substring(0, 64) + "...");
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw new IllegalArgumentException("storage key contains a control character: " + key.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("storage key " + key + " has an empty, '.' or '..' segment");
            }
            if (segment.startsWith(PARTIAL_PREFIX)) {
                throw new IllegalArgumentException("storage key " + key + " uses the reserved prefix " + PARTIAL_PREFIX);
            }
        }
        return key;
    }
}
