package io.takeover.replay.sample;

/**
 * A batch of transitions as flat row-major arrays, ready to become tensors. {@code dones[i]}
 * is 1 when transition i's next state is terminal, {@code operator[i]} when the operator
 * acted. {@code ids} name the items drawn (for priority updates) and {@code weights} are their
 * importance weights (1 unless drawn by priority).
 */
public record Batch(int size, int obsDim, int actDim, float[] observations, float[] actions, float[] rewards,
        float[] nextObservations, float[] dones, float[] operator, long[] ids, float[] weights) {

    public static Batch allocate(int size, int obsDim, int actDim) {
        return new Batch(size, obsDim, actDim, new float[size * obsDim], new float[size * actDim], new float[size],
                new float[size * obsDim], new float[size], new float[size], new long[size], new float[size]);
    }
}
