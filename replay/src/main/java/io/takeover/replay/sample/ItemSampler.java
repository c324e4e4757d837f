package io.takeover.replay.sample;

import java.util.Random;

/** How a table draws its items. */
public interface ItemSampler {

    static ItemSampler of(Sampling sampling, long capacity, long first, long next) {
        return sampling.prioritized() ? new PrioritizedSampler(capacity, sampling, first, next) : new UniformSampler();
    }

    /** Fills rows {@code from} .. {@code from + count} of {@code batch}, ids and weights included. */
    void sample(SampledItems table, Batch batch, int from, int count, Random rng);

    /** The table's ring moved: items {@code [oldFirst, newFirst)} left, {@code [oldNext, newNext)} came. */
    default void onCommit(long oldFirst, long newFirst, long oldNext, long newNext) {}

    /** New priorities (e.g. TD errors) for items drawn before. */
    default void updatePriorities(long[] seqs, float[] priorities, int from, int count) {
        throw new UnsupportedOperationException("this table is sampled uniformly; it keeps no priorities");
    }
}
