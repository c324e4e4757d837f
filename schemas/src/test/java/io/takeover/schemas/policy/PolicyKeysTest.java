package io.takeover.schemas.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyKeysTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenKeyReadsBackWithItsIdAndOnlyItsOwnerCanReadIt() throws Exception {
        SigningKey key = SigningKey.generate();
        Path file = key.write(dir, "learner");
        SigningKey read = SigningKey.read(file);
        assertEquals(key.keyId(), read.keyId());
        assertArrayEquals(key.privateKey().getEncoded(), read.privateKey().getEncoded());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
        assertEquals(List.of(key.keyId()), TrustedKeys.read(List.of(dir.resolve("learner.pub"))).ids());
        assertFalse(key.toString().contains(HexFormat.of().formatHex(key.privateKey().getEncoded())));
    }

    @Test
    void aKeyIsNeverOverwrittenAndReadOrGenerateKeepsTheFirst() {
        SigningKey first = SigningKey.readOrGenerate(dir, "local");
        assertEquals(first.keyId(), SigningKey.readOrGenerate(dir, "local").keyId());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SigningKey.generate().write(dir, "local"));
        assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
    }

    @Test
    void aDirectoryTrustsEveryPublicKeyInIt() {
        SigningKey old = SigningKey.generate();
        SigningKey rotated = SigningKey.generate();
        old.write(dir, "old");
        rotated.write(dir, "new");
        TrustedKeys trusted = TrustedKeys.read(List.of(dir));
        assertTrue(trusted.get(old.keyId()).isPresent());
        assertTrue(trusted.get(rotated.keyId()).isPresent());
        assertEquals(2, trusted.ids().size());
    }

    @Test
    void theKeyIdIsTheRfc8032TestKeysDigestPrefix() {
        // RFC 8032's public key of the seed 00 01 ... 1f
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) {
            seed[i] = (byte) i;
        }
        SigningKey key = SigningKey.fromSeed(seed);
        assertEquals("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
                HexFormat.of().formatHex(PolicyKeys.raw(key.publicKey())));
    }

    @Test
    void filesThatAreNotKeysSayWhatIsWrong() throws Exception {
        Path garbage = Files.writeString(dir.resolve("x.pub"), "not a key");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedKeys.read(List.of(garbage)));
        assertTrue(e.getMessage().contains("x.pub"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(IllegalArgumentException.class, () -> TrustedKeys.read(List.of(empty)));
        assertTrue(e.getMessage().contains("takeover keys generate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SigningKey.read(dir.resolve("missing.key")));
        assertTrue(e.getMessage().contains("takeover keys generate"), e.getMessage());

        // a private key with someone else's public key beside it
        SigningKey a = SigningKey.generate();
        SigningKey b = SigningKey.generate();
        Path mixed = dir.resolve("mixed.key");
        Files.writeString(mixed, PolicyKeys.pem("PRIVATE KEY", a.privateKey().getEncoded()) + b.publicPem());
        e = assertThrows(IllegalArgumentException.class, () -> SigningKey.read(mixed));
        assertTrue(e.getMessage().contains("do not belong together"), e.getMessage());
    }
}
