package io.takeover.replay.sample;

import java.util.List;

/** What samplers and rate limiters see of a table: its ring's bounds, its counts, and reading items into a batch. */
public interface SampledItems {

    String name();

    /** Sequence number of the oldest item. */
    long first();

    /** Sequence number the next item will get. */
    long next();

    default long size() {
        return next() - first();
    }

    /** Items inserted since the table was created. */
    long inserted();

    /** Damaged items met while sampling (skipped). */
    long corrupt();

    /**
     * Fills rows {@code from}.. of {@code batch} with the items {@code seqs}; returns the rows
     * whose item was gone or damaged, for the sampler to draw again.
     */
    List<Integer> fill(Batch batch, int from, long[] seqs, int count);
}
