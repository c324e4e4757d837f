package io.takeover.learner.publish;

import static io.takeover.schemas.wire.FloatLists.boxed;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.policy.PolicyTensors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns the actor's DJL parameters into a self-contained {@code PolicySnapshot}. */
public final class SnapshotExporter {

    private final String task;
    private final float[] actionLow;
    private final float[] actionHigh;

    public SnapshotExporter(String task, float[] actionLow, float[] actionHigh) {
        this.task = task;
        this.actionLow = actionLow.clone();
        this.actionHigh = actionHigh.clone();
    }

    /**
     * The actor's Linear layers in forward order become {@code layer<i>.weight} ([out, in]) and
     * {@code layer<i>.bias} ([out]), exactly as {@link PolicyTensors} describes.
     */
    public PolicySnapshot export(Block actor, long version, long parentVersion, float[] obsMean, float[] obsStd,
            Map<String, Double> stats) {
        List<WeightTensor> weights = new ArrayList<>();
        int layer = 0;
        NDArray pendingWeight = null;
        for (Pair<String, Parameter> p : actor.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (p.getKey().endsWith("weight")) {
                pendingWeight = array;
            } else if (p.getKey().endsWith("bias") && pendingWeight != null) {
                long[] w = pendingWeight.getShape().getShape();
                weights.add(PolicyTensors.tensor(PolicyTensors.weightName(layer), new int[] {(int) w[0], (int) w[1]},
                        pendingWeight.toFloatArray()));
                weights.add(PolicyTensors.tensor(PolicyTensors.biasName(layer), new int[] {(int) w[0]},
                        array.toFloatArray()));
                layer++;
                pendingWeight = null;
            }
        }
        int obsDim = obsMean.length;
        return PolicySnapshot.newBuilder()
                .setTask(task).setVersion(version).setParentVersion(parentVersion).setCreatedAt(Instant.now())
                .setObsDim(obsDim).setActDim(actionLow.length)
                .setActionLow(boxed(actionLow)).setActionHigh(boxed(actionHigh))
                .setArchitecture(PolicyTensors.TANH_GAUSSIAN_MLP).setWeights(weights)
                .setObsMean(boxed(obsMean)).setObsStd(boxed(obsStd))
                .setWeightsSha256(PolicyTensors.sha256(weights)).setLearnerStats(stats).build();
    }

}
