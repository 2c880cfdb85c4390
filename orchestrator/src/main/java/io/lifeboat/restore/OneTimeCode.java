package io.lifeboat.restore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The one-time code a person must give to turn a restore plan into action: 8 characters from an
 * alphabet without look-alikes (no 0/O, 1/I/L), about 39 bits, shown as {@code ABCD-EFGH}. Short
 * enough to type, long enough that a caller cannot guess it in the one attempt a request allows.
 *
 * <p>Only a salted SHA-256 of the code and of what it approves is ever stored: the hash binds
 * the code to one request, so editing the request file afterwards invalidates the code.
 */
public final class OneTimeCode {

    private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private OneTimeCode() {
    }

    /** A fresh code. It is a secret: never in argv, environment, logs, stdout or errors. */
    public static String generate() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                s.append('-');
            }
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    public static String newSalt() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The stored form: SHA-256 of salt, normalized code and what it approves. */
    public static String hash(String salt, String code, String binding) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((salt + "\n" + normalize(code) + "\n" + binding).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Whether {@code typed} is the code whose hash is {@code expectedHash}; constant time. */
    public static boolean matches(String typed, String salt, String binding, String expectedHash) {
        return MessageDigest.isEqual(hash(salt, typed, binding).getBytes(StandardCharsets.US_ASCII),
                expectedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether two codes are the same as a person means them (case, dash and spaces do not matter). */
    public static boolean same(String typed, String code) {
        return MessageDigest.isEqual(normalize(typed).getBytes(StandardCharsets.UTF_8),
                normalize(code).getBytes(StandardCharsets.UTF_8));
    }

    private static String normalize(String code) {
        return code.strip().toUpperCase(Locale.ROOT).replace("-", "").replace(" ", "");
    }
}
