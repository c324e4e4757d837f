package io.takeover.robot.policy;

import static io.takeover.schemas.wire.FloatLists.unboxed;

import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.policy.PolicyTensors;
import io.takeover.schemas.task.TaskSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A verified {@code tanh-gaussian-mlp/relu} policy, run in plain Java. Immutable and shared;
 * each control loop acts through its own {@link Actor}, which owns the scratch buffers so
 * that acting allocates nothing.
 */
public final class MlpPolicy {

    private static final float LOG_STD_MIN = -5f;
    private static final float LOG_STD_MAX = 2f;

    private final long version;
    private final int obsDim;
    private final int actDim;
    private final float[][] weights; // per layer, [out * in] row-major
    private final float[][] biases;
    private final int[] widths; // widths[0] = obsDim, widths[n] = 2 * actDim
    private final float[] obsMean;
    private final float[] obsInvStd;
    private final float[] actionLow;
    private final float[] actionHigh;

    private MlpPolicy(PolicySnapshot snapshot, float[][] weights, float[][] biases, int[] widths) {
        this.version = snapshot.getVersion();
        this.obsDim = snapshot.getObsDim();
        this.actDim = snapshot.getActDim();
        this.weights = weights;
        this.biases = biases;
        this.widths = widths;
        this.obsMean = unboxed(snapshot.getObsMean());
        this.obsInvStd = unboxed(snapshot.getObsStd());
        for (int i = 0; i < obsInvStd.length; i++) {
            obsInvStd[i] = 1f / obsInvStd[i];
        }
        this.actionLow = unboxed(snapshot.getActionLow());
        this.actionHigh = unboxed(snapshot.getActionHigh());
    }

    /** Verifies the snapshot against the task (checksum, dimensions, architecture) and loads it. */
    public static MlpPolicy load(PolicySnapshot snapshot, TaskSpec task) throws InvalidPolicyException {
        String where = "policy " + snapshot.getTask() + " v" + snapshot.getVersion() + ": ";
        if (!snapshot.getTask().equals(task.name())) {
            throw new InvalidPolicyException(where + "is for task " + snapshot.getTask() + ", not " + task.name());
        }
        if (!PolicyTensors.TANH_GAUSSIAN_MLP.equals(snapshot.getArchitecture())) {
            throw new InvalidPolicyException(where + "unknown architecture '" + snapshot.getArchitecture() + "'");
        }
        if (snapshot.getObsDim() != task.obsDim() || snapshot.getActDim() != task.actDim()) {
            throw new InvalidPolicyException(where + "dimensions " + snapshot.getObsDim() + "→" + snapshot.getActDim()
                    + " do not match the task's " + task.obsDim() + "→" + task.actDim());
        }
        if (snapshot.getObsMean().size() != task.obsDim() || snapshot.getObsStd().size() != task.obsDim()
                || snapshot.getActionLow().size() != task.actDim() || snapshot.getActionHigh().size() != task.actDim()) {
            throw new InvalidPolicyException(where + "normalisation or action bounds have the wrong length");
        }
        for (float std : snapshot.getObsStd()) {
            if (!(std > 0) || Float.isInfinite(std)) {
                throw new InvalidPolicyException(where + "observation std must be positive and finite");
            }
        }
        String sha = PolicyTensors.sha256(snapshot.getWeights());
        if (!sha.equals(snapshot.getWeightsSha256())) {
            throw new InvalidPolicyException(where + "weights sha256 " + sha + " differs from the declared "
                    + snapshot.getWeightsSha256() + " (corrupt; tampering is what the signature catches)");
        }
        Map<String, WeightTensor> byName = new HashMap<>();
        for (WeightTensor t : snapshot.getWeights()) {
            byName.put(t.getName(), t);
        }
        int layers = snapshot.getWeights().size() / 2;
        if (layers < 1 || snapshot.getWeights().size() != 2 * layers) {
            throw new InvalidPolicyException(where + "expected weight and bias per layer, got "
                    + snapshot.getWeights().size() + " tensors");
        }
        float[][] weights = new float[layers][];
        float[][] biases = new float[layers][];
        int[] widths = new int[layers + 1];
        widths[0] = task.obsDim();
        for (int l = 0; l < layers; l++) {
            WeightTensor w = byName.get(PolicyTensors.weightName(l));
            WeightTensor b = byName.get(PolicyTensors.biasName(l));
            if (w == null || b == null) {
                throw new InvalidPolicyException(where + "missing " + PolicyTensors.weightName(l) + " or its bias");
            }
            List<Integer> shape = w.getShape();
            if (shape.size() != 2 || shape.get(1) != widths[l] || !b.getShape().equals(List.of(shape.get(0)))) {
                throw new InvalidPolicyException(where + PolicyTensors.weightName(l) + " has shape " + shape
                        + " (bias " + b.getShape() + "), expected [*, " + widths[l] + "]");
            }
            widths[l + 1] = shape.get(0);
            weights[l] = PolicyTensors.values(w);
            biases[l] = PolicyTensors.values(b);
            if (weights[l].length != widths[l + 1] * widths[l] || biases[l].length != widths[l + 1]) {
                throw new InvalidPolicyException(where + "tensor bytes do not match their shapes at layer " + l);
            }
            for (float v : weights[l]) {
                if (!Float.isFinite(v)) {
                    throw new InvalidPolicyException(where + "non-finite weight in layer " + l);
                }
            }
        }
        if (widths[layers] != 2 * task.actDim()) {
            throw new InvalidPolicyException(where + "last layer has " + widths[layers] + " outputs, expected "
                    + 2 * task.actDim() + " (mean and log std)");
        }
        return new MlpPolicy(snapshot, weights, biases, widths);
    }

    public long version() {
        return version;
    }

    public Actor newActor() {
        return new Actor();
    }

    /** One control loop's handle on the policy: reusable buffers, not thread-safe. */
    public final class Actor {
        private final float[][] activations = new float[widths.length][];

        private Actor() {
            for (int i = 0; i < widths.length; i++) {
                activations[i] = new float[widths[i]];
            }
        }

        public long version() {
            return version;
        }

        /** Deterministic action (the squashed mean), written into {@code action}. */
        public void act(float[] obs, float[] action) {
            forward(obs);
            float[] out = activations[widths.length - 1];
            for (int i = 0; i < actDim; i++) {
                action[i] = scale(i, (float) Math.tanh(out[i]));
            }
        }

        /** Exploring action: a draw from the squashed Gaussian, written into {@code action}. */
        public void sample(float[] obs, Random rng, float[] action) {
            forward(obs);
            float[] out = activations[widths.length - 1];
            for (int i = 0; i < actDim; i++) {
                float logStd = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, out[actDim + i]));
                double pre = out[i] + Math.exp(logStd) * rng.nextGaussian();
                action[i] = scale(i, (float) Math.tanh(pre));
            }
        }

        /** The raw last-layer output (mean, then log σ) of the last call: for tests and tooling. */
        public float[] lastOutput() {
            return activations[widths.length - 1].clone();
        }

        private void forward(float[] obs) {
            float[] in = activations[0];
            for (int i = 0; i < obsDim; i++) {
                in[i] = (obs[i] - obsMean[i]) * obsInvStd[i];
            }
            int last = weights.length - 1;
            for (int l = 0; l <= last; l++) {
                float[] w = weights[l];
                float[] b = biases[l];
                float[] x = activations[l];
                float[] y = activations[l + 1];
                int inWidth = widths[l];
                for (int o = 0; o < y.length; o++) {
                    float sum = b[o];
                    int row = o * inWidth;
                    for (int i = 0; i < inWidth; i++) {
                        sum += w[row + i] * x[i];
                    }
                    y[o] = l < last && sum < 0 ? 0 : sum;
                }
            }
        }

        private float scale(int i, float squashed) {
            return actionLow[i] + (squashed + 1f) * 0.5f * (actionHigh[i] - actionLow[i]);
        }
    }

}
