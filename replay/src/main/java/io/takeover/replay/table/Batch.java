package io.takeover.replay.store;

/**
 * A batch of transitions as flat row-major arrays, ready to become tensors.
 * {@code dones[i]} is 1 when transition i's next state is terminal.
 */
public record Batch(int size, int obsDim, int actDim, float[] observations, float[] actions, float[] rewards,
        float[] nextObservations, float[] dones) {

    public static Batch allocate(int size, int obsDim, int actDim) {
        return new Batch(size, obsDim, actDim, new float[size * obsDim], new float[size * actDim], new float[size],
                new float[size * obsDim], new float[size]);
    }
}
