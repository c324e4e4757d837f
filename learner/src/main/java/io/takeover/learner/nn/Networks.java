package io.takeover.learner.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The networks: a tanh-Gaussian actor (a plain ReLU MLP, as the robots' runtime computes it)
 * and an ensemble of Q critics with LayerNorm after each hidden layer, as in RLPD.
 */
public final class Networks {

    /** obs → hidden → hidden → [mean, log σ] (2·act outputs). */
    public static SequentialBlock actor(int hidden, int actDim) {
        return mlp(hidden, 2 * actDim);
    }

    /** [obs, action] → (Q1 … Qn), each of shape (batch, 1). */
    public static Block criticEnsemble(int hidden, int n, boolean layerNorm) {
        List<Block> critics = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            critics.add(layerNorm ? normalisedMlp(hidden, 1) : mlp(hidden, 1));
        }
        return new ParallelBlock(outputs -> new NDList(outputs.stream().map(NDList::singletonOrThrow)
                .collect(Collectors.toList())), critics);
    }

    private static SequentialBlock normalisedMlp(int hidden, int out) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(LayerNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(hidden).build())
                .add(LayerNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(out).build());
    }

    private static SequentialBlock mlp(int hidden, int out) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(out).build());
    }

    private Networks() {}
}
