package io.takeover.console.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * How secrets are kept in a users file: passwords as PBKDF2-HMAC-SHA256 with a random salt
 * (the JDK's; OWASP's 600,000 iterations), API tokens as their SHA-256 (they are random and
 * long already). Comparisons take constant time.
 */
public final class Credentials {

    public static final int ITERATIONS = 600_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private Credentials() {}

    /** {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, base64. */
    public static String hashPassword(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /** {@code sha256$HEX} of a token. */
    public static String hashToken(String token) {
        return "sha256$" + java.util.HexFormat.of().formatHex(sha256(token));
    }

    /** Whether {@code secret} (a password or a token) matches a stored hash of either kind. */
    public static boolean matches(String secret, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length == 4 && parts[0].equals("pbkdf2-sha256")) {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            return MessageDigest.isEqual(Base64.getDecoder().decode(parts[3]), pbkdf2(secret, salt, iterations));
        }
        if (parts.length == 2 && parts[0].equals("sha256")) {
            return MessageDigest.isEqual(java.util.HexFormat.of().parseHex(parts[1]), sha256(secret));
        }
        throw new IllegalArgumentException("unknown hash format '" + parts[0] + "': expected pbkdf2-sha256 or sha256");
    }

    /** A random secret of 32 bytes, URL-safe: session ids, API tokens, generated passwords. */
    public static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
