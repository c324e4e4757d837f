package io.takeover.learner.bc;

import io.takeover.learner.AgentSettings;
import io.takeover.learner.Algorithm;

/**
 * The hyper-parameters of the HG-DAgger baseline.
 *
 * @param hidden    width of the actor's hidden layers (as SAC's, so that robots run either)
 * @param depth     hidden layers of the actor
 * @param batchSize transitions per gradient step
 * @param lr        Adam learning rate
 * @param seed      seeds initialisation and sampling
 */
public record BcSettings(int hidden, int depth, int batchSize, float lr, long seed) implements AgentSettings {

    public static final BcSettings DEFAULT = new BcSettings(256, 3, 256, 3e-4f, 7);

    public BcSettings {
        if (hidden < 1 || depth < 1 || batchSize < 1 || lr <= 0) {
            throw new IllegalArgumentException("hidden width, depth and batch size must be >= 1 and the learning rate "
                    + "positive");
        }
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.HG_DAGGER;
    }

    @Override
    public int utd() {
        return 1;
    }

    public BcSettings withHidden(int width) {
        return new BcSettings(width, depth, batchSize, lr, seed);
    }

    public BcSettings withBatchSize(int size) {
        return new BcSettings(hidden, depth, size, lr, seed);
    }

    public BcSettings withSeed(long s) {
        return new BcSettings(hidden, depth, batchSize, lr, s);
    }
}
