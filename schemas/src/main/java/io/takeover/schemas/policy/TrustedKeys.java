package io.takeover.schemas.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The public keys a robot accepts policy snapshots from, by key id. Two at once is how keys
 * rotate: trust the new key beside the old, switch the learner to the new one, then drop the
 * old.
 */
public final class TrustedKeys {

    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Map.copyOf(byId);
    }

    public static TrustedKeys of(PublicKey... keys) {
        Map<String, PublicKey> byId = new TreeMap<>();
        for (PublicKey key : keys) {
            byId.put(PolicyKeys.keyId(key), key);
        }
        return new TrustedKeys(byId);
    }

    /**
     * Reads public keys ({@code *.pub}, X.509 PEM): each path is a key file, or a directory whose
     * {@code *.pub} files are all read.
     *
     * @throws IllegalArgumentException if none is found, or a file is not an Ed25519 public key
     */
    public static TrustedKeys read(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> listed = Files.list(path)) {
                    listed.filter(f -> f.getFileName().toString().endsWith(".pub")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list trusted keys in " + path, e);
                }
            } else {
                files.add(path);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no trusted policy keys in " + paths + ": give the learner's public "
                    + "key (NAME.pub from takeover keys generate), or a directory of them");
        }
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            try {
                String pem = Files.readString(file, StandardCharsets.US_ASCII);
                keys.add(PolicyKeys.publicKey(PolicyKeys.pemBlock(pem, "PUBLIC KEY", file), file));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read trusted key " + file + ": " + e.getMessage(), e);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " is not an " + PolicyKeys.ALGORITHM + " public key: "
                        + e.getMessage(), e);
            }
        }
        return of(keys.toArray(PublicKey[]::new));
    }

    public Optional<PublicKey> get(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** The ids trusted, sorted: for messages and logs. */
    public List<String> ids() {
        return List.copyOf(new TreeMap<>(byId).keySet());
    }

    @Override
    public String toString() {
        return "trusted policy keys " + ids();
    }
}
