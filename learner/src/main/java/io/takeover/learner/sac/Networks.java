package io.takeover.learner.sac;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.stream.Collectors;

/** The networks of SAC: a tanh-Gaussian actor and twin Q critics, plain ReLU MLPs. */
final class Networks {

    /** obs → hidden → hidden → [mean, log σ] (2·act outputs). */
    static SequentialBlock actor(int hidden, int actDim) {
        return mlp(hidden, 2 * actDim);
    }

    /** [obs, action] → (Q1, Q2), each of shape (batch, 1). */
    static Block twinCritic(int hidden) {
        return new ParallelBlock(outputs -> new NDList(outputs.stream().map(NDList::singletonOrThrow)
                .collect(Collectors.toList())), List.of(mlp(hidden, 1), mlp(hidden, 1)));
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
