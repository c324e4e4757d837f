package io.takeover.schemas.policy;

import io.takeover.schemas.WeightTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The tensor conventions of {@code PolicySnapshot}, shared by whoever writes and reads one.
 *
 * <p>Architecture {@value #TANH_GAUSSIAN_MLP}: tensors {@code layer<i>.weight} of shape
 * [out, in] and {@code layer<i>.bias} of shape [out], i = 0..n−1; ReLU after every layer but
 * the last; the last has 2·act_dim outputs: the mean, then log σ, of a Gaussian squashed by
 * tanh and scaled to [action_low, action_high].
 */
public final class PolicyTensors {

    public static final String TANH_GAUSSIAN_MLP = "tanh-gaussian-mlp/relu";

    public static String weightName(int layer) {
        return "layer" + layer + ".weight";
    }

    public static String biasName(int layer) {
        return "layer" + layer + ".bias";
    }

    public static WeightTensor tensor(String name, int[] shape, float[] values) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException(name + ": shape holds " + size + " values, got " + values.length);
        }
        ByteBuffer data = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        return WeightTensor.newBuilder().setName(name)
                .setShape(java.util.Arrays.stream(shape).boxed().toList()).setData(data).build();
    }

    public static float[] values(WeightTensor tensor) {
        ByteBuffer data = tensor.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[data.remaining() / Float.BYTES];
        data.asFloatBuffer().get(values);
        return values;
    }

    /** Lower-case hex SHA-256 over every tensor's data bytes, in order. */
    public static String sha256(List<WeightTensor> weights) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (WeightTensor tensor : weights) {
                digest.update(tensor.getData().duplicate());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private PolicyTensors() {}
}
