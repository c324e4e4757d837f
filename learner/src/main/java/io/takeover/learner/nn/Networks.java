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
 * and an ensemble of Q critics with LayerNorm after each hidden layer, as in RLPD; {@code depth}
 * hidden layers of {@code hidden} units each.
 */
public final class Networks {

    /** obs → hidden × depth → [mean, log σ] (2·act outputs). */
    public static SequentialBlock actor(int hidden, int depth, int actDim) {
        return mlp(hidden, depth, false, 2 * actDim);
    }

    /** [obs, action] → (Q1 … Qn), each of shape (batch, 1). */
    public static Block criticEnsemble(int hidden, int depth, int n, boolean layerNorm) {
        List<Block> critics = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            critics.add(mlp(hidden, depth, layerNorm, 1));
        }
        return new ParallelBlock(outputs -> new NDList(outputs.stream().map(NDList::singletonOrThrow)
                .collect(Collectors.toList())), critics);
    }

    private static SequentialBlock mlp(int hidden, int depth, boolean layerNorm, int out) {
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < depth; i++) {
            block.add(Linear.builder().setUnits(hidden).build());
            if (layerNorm) {
                block.add(LayerNorm.builder().build());
            }
            block.add(Activation::relu);
        }
        return block.add(Linear.builder().setUnits(out).build());
    }

    private Networks() {}
}
