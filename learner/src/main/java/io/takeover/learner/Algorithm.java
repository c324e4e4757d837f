package io.takeover.learner;

import io.takeover.learner.bc.BcSettings;
import io.takeover.learner.sac.SacSettings;
import java.util.Arrays;

/**
 * What a learner trains: RLIF (SAC on the intervention reward) or HG-DAgger (behaviour cloning
 * of the operator's corrections, the baseline). A checkpoint records it: one written by the
 * other algorithm is refused.
 */
public enum Algorithm {
    RLIF("rlif"),
    HG_DAGGER("hg-dagger");

    private final String id;

    Algorithm(String id) {
        this.id = id;
    }

    /** This algorithm's default settings with the width, batch size and seed given; RLIF also with its critics. */
    public AgentSettings settings(int hidden, int batchSize, int critics, long seed) {
        return this == HG_DAGGER ? BcSettings.DEFAULT.withHidden(hidden).withBatchSize(batchSize).withSeed(seed)
                : SacSettings.DEFAULT.withHidden(hidden).withBatchSize(batchSize).withCritics(critics).withSeed(seed);
    }

    /** As on the command line and in checkpoints. */
    public String id() {
        return id;
    }

    /** The algorithm with this id; a wrong one says which there are. */
    public static Algorithm of(String id) {
        return Arrays.stream(values()).filter(a -> a.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("algorithm must be one of " + Arrays.toString(ids()) + ", got '" + id + "'"));
    }

    static String[] ids() {
        return Arrays.stream(values()).map(Algorithm::id).toArray(String[]::new);
    }

    @Override
    public String toString() {
        return id;
    }
}
