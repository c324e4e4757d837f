package io.takeover.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS material of a secured embedded broker, as PEM files in one directory: a self-signed CA
 * ({@code ca.pem}, what clients trust), the broker's certificate for {@code 127.0.0.1} and
 * {@code localhost} signed by it, followed by the CA's ({@code broker-chain.pem}), and the broker's
 * unencrypted PKCS#8 key ({@code broker-key.pem}, readable by its owner only). Keys are EC P-256;
 * certificates are valid for ten years. Made once, reused after: clients keep trusting the same CA
 * across restarts. The CA's own key is not kept (nothing else is ever signed).
 *
 * @param caCertificate    the CA certificate clients trust
 * @param certificateChain the broker's certificate, then the CA's
 * @param privateKey       the broker's private key
 */
record TlsMaterial(Path caCertificate, Path certificateChain, Path privateKey) {

    private static final Duration VALIDITY = Duration.ofDays(3650);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The material in {@code dir}, made there first when any of it is missing. */
    static TlsMaterial in(Path dir) {
        TlsMaterial files = new TlsMaterial(dir.resolve("ca.pem"), dir.resolve("broker-chain.pem"),
                dir.resolve("broker-key.pem"));
        if (Files.isRegularFile(files.caCertificate) && Files.isRegularFile(files.certificateChain)
                && Files.isRegularFile(files.privateKey)) {
            return files;
        }
        try {
            Files.createDirectories(dir);
            files.make();
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker's TLS material to " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the broker's TLS material: " + e.getMessage(), e);
        }
    }

    /** The broker's certificate chain, as {@code ssl.keystore.certificate.chain} takes it. */
    String certificateChainPem() {
        return read(certificateChain);
    }

    /** The broker's key, as {@code ssl.keystore.key} takes it. */
    String privateKeyPem() {
        return read(privateKey);
    }

    private void make() throws IOException, GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now();
        KeyPair caKeys = ecKeyPair();
        X500Name caName = new X500Name("CN=Takeover embedded Kafka CA");
        X509Certificate ca = sign(builder(caName, caName, caKeys.getPublic(), now)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caKeys.getPublic())),
                caKeys.getPrivate());

        KeyPair brokerKeys = ecKeyPair();
        X509Certificate broker = sign(builder(caName, new X500Name("CN=localhost"), brokerKeys.getPublic(), now)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(brokerKeys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca)),
                caKeys.getPrivate());

        // the key first: the certificates' presence is what says "made"
        write(privateKey, pem("PRIVATE KEY", brokerKeys.getPrivate().getEncoded()), true);
        write(certificateChain, pem("CERTIFICATE", broker.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()), false);
        write(caCertificate, pem("CERTIFICATE", ca.getEncoded()), false);
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Instant now) {
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Written whole (a temporary file, owner-only from its first byte, moved into place). */
    private static void write(Path file, String content, boolean ownerOnly) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            if (posix()) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            if (posix() && !ownerOnly) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
