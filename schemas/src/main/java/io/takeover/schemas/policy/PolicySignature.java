package io.takeover.schemas.policy;

import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.wire.ContractTrust;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;

/**
 * Ed25519 signatures of policy snapshots. The signature covers the snapshot's signed bytes:
 * every field a robot acts on, in one fixed layout (schemas/README.md, "Signed policies"), so
 * that a Python or C++ robot computes the same bytes without Avro. The SHA-256 in the snapshot
 * only catches corruption: anyone can recompute it; only the learner's key can sign.
 */
public final class PolicySignature {

    /** The signed bytes start with this, so that no other message of ours can pass for a policy. */
    static final byte[] DOMAIN = "takeover-policy-v1\0".getBytes(StandardCharsets.US_ASCII);

    static {
        ContractTrust.ensure(); // sign() copies a snapshot, tensors and all
    }

    private PolicySignature() {}

    /** The snapshot signed by {@code key}: its key id set, then its signature over the signed bytes. */
    public static PolicySnapshot sign(PolicySnapshot snapshot, SigningKey key) {
        PolicySnapshot signed = PolicySnapshot.newBuilder(snapshot).setSigningKeyId(key.keyId()).setSignature(null)
                .build();
        signed.setSignature(ByteBuffer.wrap(key.sign(signedBytes(signed))));
        return signed;
    }

    /**
     * Checks that a key of {@code trusted} signed exactly this snapshot.
     *
     * @throws RefusedPolicyException {@code UNSIGNED}, {@code UNKNOWN_KEY} or {@code BAD_SIGNATURE}, with the reason
     */
    public static void verify(PolicySnapshot snapshot, TrustedKeys trusted) throws RefusedPolicyException {
        String where = "policy " + snapshot.getTask() + " v" + snapshot.getVersion() + ": ";
        if (snapshot.getSignature() == null || snapshot.getSigningKeyId() == null) {
            throw new RefusedPolicyException(PolicyRefusal.UNSIGNED, where + "is not signed; robots run only "
                    + "snapshots signed by a trusted learner key");
        }
        PublicKey key = trusted.get(snapshot.getSigningKeyId()).orElseThrow(() -> new RefusedPolicyException(
                PolicyRefusal.UNKNOWN_KEY, where + "is signed by key " + snapshot.getSigningKeyId()
                        + ", which this robot does not trust (it trusts " + trusted.ids() + ")"));
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(PolicyKeys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(signedBytes(snapshot));
            valid = verifier.verify(bytes(snapshot.getSignature()));
        } catch (java.security.SignatureException e) {
            valid = false; // a malformed signature, e.g. of the wrong length
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot verify " + PolicyKeys.ALGORITHM + " signatures here", e);
        }
        if (!valid) {
            throw new RefusedPolicyException(PolicyRefusal.BAD_SIGNATURE, where + "signature does not match key "
                    + snapshot.getSigningKeyId() + ": the snapshot was changed after signing, or forged");
        }
    }

    /**
     * The bytes signed: the domain tag, then the key id, task, version, parent version, creation
     * time, dimensions, action bounds, architecture, every tensor (name, shape, data) and the
     * observation normalisation. Big-endian; a string or byte array is its u32 length and its
     * bytes; a float array its u32 count and each float's IEEE-754 bits.
     */
    public static byte[] signedBytes(PolicySnapshot s) {
        int tensorBytes = s.getWeights().stream().mapToInt(t -> t.getData().remaining() + 64).sum();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(tensorBytes + 1024);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.write(DOMAIN);
            string(out, s.getSigningKeyId() == null ? "" : s.getSigningKeyId());
            string(out, s.getTask());
            out.writeLong(s.getVersion());
            out.writeLong(s.getParentVersion());
            out.writeLong(s.getCreatedAt().toEpochMilli());
            out.writeInt(s.getObsDim());
            out.writeInt(s.getActDim());
            floats(out, s.getActionLow());
            floats(out, s.getActionHigh());
            string(out, s.getArchitecture());
            out.writeInt(s.getWeights().size());
            for (WeightTensor t : s.getWeights()) {
                string(out, t.getName());
                out.writeInt(t.getShape().size());
                for (int dim : t.getShape()) {
                    out.writeInt(dim);
                }
                bytes(out, bytes(t.getData()));
            }
            floats(out, s.getObsMean());
            floats(out, s.getObsStd());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return buffer.toByteArray();
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        bytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static void floats(DataOutputStream out, List<Float> values) throws IOException {
        out.writeInt(values.size());
        for (float v : values) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
