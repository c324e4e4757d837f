package io.takeover.schemas.policy;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The conventions of policy keys: Ed25519, PEM files, and the key id a snapshot names its signer by. */
public final class PolicyKeys {

    public static final String ALGORITHM = "Ed25519";

    /** X.509 SubjectPublicKeyInfo of an Ed25519 key: these 12 bytes, then the raw 32-byte key (RFC 8410). */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private PolicyKeys() {}

    /** The raw 32-byte public key, as RFC 8032 and libsodium (PyNaCl) hold it. */
    public static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded.length != X509_PREFIX.length + 32
                || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("not an " + ALGORITHM + " public key: " + key.getAlgorithm());
        }
        return Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
    }

    /** The first 16 hex digits of the SHA-256 of the raw public key. */
    public static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw(key))).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PublicKey publicKey(byte[] x509, Path from) throws GeneralSecurityException {
        PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
        raw(key); // an Ed25519 key, not some other algorithm's
        return key;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static byte[] pemBlock(String pem, String type, Path from) {
        Matcher m = Pattern.compile("-----BEGIN " + type + "-----([A-Za-z0-9+/=\\s]+)-----END " + type + "-----")
                .matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException(from + " holds no '" + type + "' PEM block");
        }
        return Base64.getMimeDecoder().decode(m.group(1));
    }
}
