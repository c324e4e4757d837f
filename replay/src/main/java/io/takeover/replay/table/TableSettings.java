package io.takeover.replay.table;

import java.time.Duration;

/**
 * One replay table, composed as in Reverb from a sampler, a remover, a capacity and a rate
 * limiter.
 *
 * @param name          {@code online}, {@code intervention} or {@code prior}
 * @param capacity      items kept at most
 * @param capacityBytes bytes kept at most (items and their records), 0 for no bound
 * @param sampling      how items are drawn
 * @param removal       which items go when the table is full
 * @param rateLimit     when sampling must wait
 */
public record TableSettings(String name, long capacity, long capacityBytes, Sampling sampling, Removal removal,
        RateLimit rateLimit) {

    /** Uniform, or by priority p^α with importance weights (N·P)^-β as in prioritized replay. */
    public record Sampling(boolean prioritized, double alpha, double beta) {
        public static final Sampling UNIFORM = new Sampling(false, 0, 0);

        public static Sampling prioritized(double alpha, double beta) {
            return new Sampling(true, alpha, beta);
        }
    }

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

    /**
     * Sampling waits until the table holds {@code minSize} items and, when
     * {@code samplesPerInsert} > 0, while more than {@code samplesPerInsert} × inserted +
     * {@code errorBuffer} items would have been sampled; a wait longer than {@code maxWait} fails
     * with a message saying what the table is waiting for.
     */
    public record RateLimit(long minSize, double samplesPerInsert, long errorBuffer, Duration maxWait) {
        public static final RateLimit NONE = new RateLimit(1, 0, 0, Duration.ofMinutes(5));
    }

    public TableSettings {
        if (capacity < 1) {
            throw new IllegalArgumentException("table " + name + ": capacity must be >= 1, got " + capacity);
        }
        if (sampling.prioritized() && capacity > (1 << 27)) {
            throw new IllegalArgumentException("table " + name + ": a prioritized table holds at most 2^27 items");
        }
    }

    public static TableSettings fifo(String name, long capacity) {
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
