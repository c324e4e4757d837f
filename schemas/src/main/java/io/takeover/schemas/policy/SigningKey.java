package io.takeover.schemas.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * A learner's Ed25519 key: it signs every policy snapshot the learner publishes. Its file
 * ({@code NAME.key}, owner-only) holds the private key as a PKCS#8 PEM block followed by the
 * public key's block, so the key id travels with it; {@code NAME.pub} holds the public key
 * alone, for robots to trust. {@code takeover keys generate} writes both.
 *
 * @param keyId the id robots look the public key up by ({@link PolicyKeys#keyId})
 */
public record SigningKey(String keyId, PrivateKey privateKey, PublicKey publicKey) {

    /** A new random key pair. */
    public static SigningKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(PolicyKeys.ALGORITHM).generateKeyPair();
            return new SigningKey(PolicyKeys.keyId(pair.getPublic()), pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + PolicyKeys.ALGORITHM + " (Java 15 or newer has)", e);
        }
    }

    /**
     * The key pair whose private key is this 32-byte seed (RFC 8032): for test vectors that other
     * SDKs check. Real keys come from {@link #generate()}.
     */
    public static SigningKey fromSeed(byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(PolicyKeys.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, bytes.length);
                }
            });
            KeyPair pair = generator.generateKeyPair();
            return new SigningKey(PolicyKeys.keyId(pair.getPublic()), pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + PolicyKeys.ALGORITHM, e);
        }
    }

    /**
     * Reads a key written by {@link #write} and checks that its two halves belong together.
     *
     * @throws IllegalArgumentException saying what is wrong with the file
     */
    public static SigningKey read(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the policy signing key " + file + ": " + e.getMessage()
                    + " (make one with: takeover keys generate)", e);
        }
        try {
            PrivateKey privateKey = KeyFactory.getInstance(PolicyKeys.ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(PolicyKeys.pemBlock(pem, "PRIVATE KEY", file)));
            PublicKey publicKey = PolicyKeys.publicKey(PolicyKeys.pemBlock(pem, "PUBLIC KEY", file), file);
            SigningKey key = new SigningKey(PolicyKeys.keyId(publicKey), privateKey, publicKey);
            byte[] probe = "takeover-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature verifier = Signature.getInstance(PolicyKeys.ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (!verifier.verify(key.sign(probe))) {
                throw new IllegalArgumentException("the private and public keys in " + file + " do not belong together");
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not an " + PolicyKeys.ALGORITHM + " signing key: "
                    + e.getMessage() + " (make one with: takeover keys generate)", e);
        }
    }

    /** The key in {@code dir/NAME.key}; made and written there first if there is none (local mode's own key). */
    public static SigningKey readOrGenerate(Path dir, String name) {
        Path file = dir.resolve(name + ".key");
        if (Files.exists(file)) {
            return read(file);
        }
        SigningKey key = generate();
        key.write(dir, name);
        return key;
    }

    /**
     * Writes {@code dir/NAME.key} (owner read/write only) and {@code dir/NAME.pub}.
     *
     * @return the private key file
     * @throws IllegalStateException if either file exists: a key is never overwritten
     */
    public Path write(Path dir, String name) {
        Path keyFile = dir.resolve(name + ".key");
        Path pubFile = dir.resolve(name + ".pub");
        for (Path file : new Path[] {keyFile, pubFile}) {
            if (Files.exists(file)) {
                throw new IllegalStateException(file + " exists: keys are never overwritten (choose another --name, "
                        + "or remove it yourself)");
            }
        }
        try {
            Files.createDirectories(dir);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, PolicyKeys.pem("PRIVATE KEY", privateKey.getEncoded()) + publicPem());
            Files.writeString(pubFile, publicPem());
            return keyFile;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the key pair to " + dir, e);
        }
    }

    /** The public key as robots trust it: an X.509 PEM block. */
    public String publicPem() {
        return PolicyKeys.pem("PUBLIC KEY", publicKey.getEncoded());
    }

    /** Only this key's public half, trusted: what a robot of a one-key deployment trusts. */
    public TrustedKeys trusted() {
        return TrustedKeys.of(publicKey);
    }

    /** An Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance(PolicyKeys.ALGORITHM);
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with key " + keyId + ": " + e.getMessage(), e);
        }
    }

    /** Names the key, never its secret. */
    @Override
    public String toString() {
        return "signing key " + keyId;
    }
}
