package io.takeover.learner.sac;

import io.takeover.learner.AgentSettings;
import io.takeover.learner.Algorithm;

/**
 * The hyper-parameters of SAC in the RLPD recipe; the defaults are RLPD's: three hidden layers
 * of 256, an ensemble of 10 LayerNorm critics with targets the minimum of 2, no entropy bonus in
 * the Bellman backup.
 *
 * @param hidden        width of the hidden layers of actor and critics
 * @param depth         hidden layers of actor and critics
 * @param batchSize     transitions per gradient step
 * @param gamma         discount
 * @param tau           Polyak rate of the target critics
 * @param actorLr       Adam learning rate of the actor
 * @param criticLr      Adam learning rate of the critics
 * @param alphaLr       Adam learning rate of the log temperature
 * @param initialAlpha  starting entropy temperature (learned towards entropy −|A|/2)
 * @param critics       critics in the ensemble
 * @param targetCritics critics drawn at random for each Bellman target, which takes their minimum
 * @param layerNorm     LayerNorm after each hidden layer of the critics
 * @param utd           critic updates per actor update (update-to-data ratio G), each on its own batch
 * @param entropyBackup whether the Bellman target carries the entropy bonus −α log π(a'|s')
 *                      (classic SAC); RLPD and RLIF leave it out, so that with sparse −1 labels
 *                      the entropy term cannot swamp the reward while α is still large
 * @param seed          seeds initialisation and sampling
 */
public record SacSettings(int hidden, int depth, int batchSize, float gamma, float tau, float actorLr,
        float criticLr, float alphaLr, float initialAlpha, int critics, int targetCritics, boolean layerNorm, int utd,
        boolean entropyBackup, long seed) implements AgentSettings {

    public static final SacSettings DEFAULT =
            new SacSettings(256, 3, 256, 0.99f, 0.005f, 3e-4f, 3e-4f, 3e-4f, 1.0f, 10, 2, true, 1, false, 7);

    public SacSettings {
        if (hidden < 1 || depth < 1 || batchSize < 1 || utd < 1) {
            throw new IllegalArgumentException("hidden width, depth, batch size and UTD must be >= 1");
        }
        if (gamma <= 0 || gamma >= 1 || tau <= 0 || tau > 1) {
            throw new IllegalArgumentException("need 0 < gamma < 1 and 0 < tau <= 1, got " + gamma + ", " + tau);
        }
        if (actorLr <= 0 || criticLr <= 0 || alphaLr <= 0 || initialAlpha <= 0) {
            throw new IllegalArgumentException("learning rates and the initial temperature must be positive");
        }
        if (critics < 2 || targetCritics < 1 || targetCritics > critics) {
            throw new IllegalArgumentException("need at least 2 critics and 1 <= target critics <= critics, got "
                    + critics + " and " + targetCritics);
        }
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.RLIF;
    }

    public SacSettings withHidden(int width) {
        return new SacSettings(width, depth, batchSize, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha, critics,
                targetCritics, layerNorm, utd, entropyBackup, seed);
    }

    public SacSettings withDepth(int layers) {
        return new SacSettings(hidden, layers, batchSize, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha,
                critics, targetCritics, layerNorm, utd, entropyBackup, seed);
    }

    public SacSettings withInitialAlpha(float alpha) {
        return new SacSettings(hidden, depth, batchSize, gamma, tau, actorLr, criticLr, alphaLr, alpha, critics,
                targetCritics, layerNorm, utd, entropyBackup, seed);
    }

    public SacSettings withBatchSize(int size) {
        return new SacSettings(hidden, depth, size, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha, critics,
                targetCritics, layerNorm, utd, entropyBackup, seed);
    }

    public SacSettings withCritics(int n) {
        return new SacSettings(hidden, depth, batchSize, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha, n,
                Math.min(targetCritics, n), layerNorm, utd, entropyBackup, seed);
    }

    public SacSettings withUtd(int g) {
        return new SacSettings(hidden, depth, batchSize, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha, critics,
                targetCritics, layerNorm, g, entropyBackup, seed);
    }

    public SacSettings withEntropyBackup(boolean on) {
        return new SacSettings(hidden, depth, batchSize, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha, critics,
                targetCritics, layerNorm, utd, on, seed);
    }

    public SacSettings withSeed(long s) {
        return new SacSettings(hidden, depth, batchSize, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha, critics,
                targetCritics, layerNorm, utd, entropyBackup, s);
    }
}
