package io.takeover.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * What the networks see of the task, the same for every agent and for the robots' runtime:
 * observations normalised with fixed statistics, actions mapped from their bounds to [−1, 1],
 * and the deterministic action as the squashed mean of the actor's output.
 */
public final class PolicyFrame {

    private final int obsDim;
    private final int actDim;
    private final float[] obsMean;
    private final float[] obsStd;
    private final NDArray mean;
    private final NDArray std;
    private final NDArray actionMid;
    private final NDArray actionHalf;

    public PolicyFrame(NDManager manager, float[] obsMean, float[] obsStd, float[] actionLow, float[] actionHigh) {
        this.obsDim = obsMean.length;
        this.actDim = actionLow.length;
        this.obsMean = obsMean.clone();
        this.obsStd = obsStd.clone();
        float[] mid = new float[actDim];
        float[] half = new float[actDim];
        for (int i = 0; i < actDim; i++) {
            mid[i] = (actionHigh[i] + actionLow[i]) / 2;
            half[i] = (actionHigh[i] - actionLow[i]) / 2;
        }
        this.mean = manager.create(obsMean);
        this.std = manager.create(obsStd);
        this.actionMid = manager.create(mid);
        this.actionHalf = manager.create(half);
    }

    /** Raw observations, {@code count} rows, normalised. */
    public NDArray observations(NDManager manager, float[] raw, int count) {
        return normalise(manager.create(raw, new Shape(count, obsDim)));
    }

    public NDArray normalise(NDArray observations) {
        return observations.sub(mean).div(std);
    }

    /**
     * Actions in task units, {@code count} rows, mapped to [−1, 1] and clipped there: an operator's
     * recorded action may lie outside the bounds, which the robot clipped before it acted.
     */
    public NDArray actions(NDManager manager, float[] raw, int count) {
        return manager.create(raw, new Shape(count, actDim)).sub(actionMid).div(actionHalf).clip(-1, 1);
    }

    /** The actor's deterministic actions (squashed means, in task units) for raw observations. */
    public float[] meanActions(Block actor, NDManager manager, float[] raw, int count) {
        NDArray out = actor.forward(new ParameterStore(manager, false), new NDList(observations(manager, raw, count)),
                false).head();
        return out.get(":, 0:" + actDim).tanh().mul(actionHalf).add(actionMid).toFloatArray();
    }

    public float[] obsMean() {
        return obsMean.clone();
    }

    public float[] obsStd() {
        return obsStd.clone();
    }
}
