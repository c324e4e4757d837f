package io.takeover.replay.table;

import io.takeover.replay.sample.RateLimit;
import io.takeover.replay.sample.Sampling;

/**
 * One replay table, composed as in Reverb from a sampler, a remover, a capacity and a rate
 * limiter.
 *
 * @param name          which of the replay's tables
 * @param capacity      items kept at most
 * @param capacityBytes bytes kept at most (items and their records), 0 for no bound
 * @param sampling      how items are drawn
 * @param removal       which items go when the table is full
 * @param rateLimit     when sampling must wait
 */
public record TableSettings(TableName name, long capacity, long capacityBytes, Sampling sampling, Removal removal,
        RateLimit rateLimit) {

    /**
     * FIFO: the oldest go first. KEEP_INTERVENTIONS: an operator or takeover-labelled item whose
     * turn comes is moved to the back instead, up to {@code turns} times, so interventions stay
     * longer than the policy's own steps (Sirius-style memory).
     */
    public record Removal(boolean keepInterventions, int turns) {
        public static final Removal FIFO = new Removal(false, 0);

        public static Removal keepInterventions(int turns) {
            return new Removal(true, turns);
        }
    }

    public TableSettings {
        if (capacity < 1) {
            throw new IllegalArgumentException("table " + name + ": capacity must be >= 1, got " + capacity);
        }
        if (sampling.prioritized() && capacity > (1 << 27)) {
            throw new IllegalArgumentException("table " + name + ": a prioritized table holds at most 2^27 items");
        }
    }

    public static TableSettings fifo(TableName name, long capacity) {
        return new TableSettings(name, capacity, 0, Sampling.UNIFORM, Removal.FIFO, RateLimit.NONE);
    }

    public TableSettings withSampling(Sampling s) {
        return new TableSettings(name, capacity, capacityBytes, s, removal, rateLimit);
    }

    public TableSettings withRemoval(Removal r) {
        return new TableSettings(name, capacity, capacityBytes, sampling, r, rateLimit);
    }

    public TableSettings withRateLimit(RateLimit r) {
        return new TableSettings(name, capacity, capacityBytes, sampling, removal, r);
    }

    public TableSettings withCapacityBytes(long bytes) {
        return new TableSettings(name, capacity, bytes, sampling, removal, rateLimit);
    }
}
