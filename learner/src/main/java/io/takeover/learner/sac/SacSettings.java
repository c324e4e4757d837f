package io.takeover.learner.sac;

/**
 * The SAC hyper-parameters.
 *
 * @param hidden        width of the two hidden layers of actor and critics
 * @param batchSize     transitions per gradient step
 * @param gamma         discount
 * @param tau           Polyak rate of the target critics
 * @param actorLr       Adam learning rate of the actor
 * @param criticLr      Adam learning rate of the critics
 * @param alphaLr       Adam learning rate of the log temperature
 * @param initialAlpha  starting entropy temperature
 * @param seed          seeds initialisation and sampling
 */
public record SacSettings(int hidden, int batchSize, float gamma, float tau, float actorLr, float criticLr,
        float alphaLr, float initialAlpha, long seed) {

    public static final SacSettings DEFAULT = new SacSettings(256, 256, 0.99f, 0.005f, 3e-4f, 3e-4f, 3e-4f, 1.0f, 7);

    public SacSettings {
        if (hidden < 1 || batchSize < 1) {
            throw new IllegalArgumentException("hidden width and batch size must be >= 1");
        }
        if (gamma <= 0 || gamma >= 1 || tau <= 0 || tau > 1) {
            throw new IllegalArgumentException("need 0 < gamma < 1 and 0 < tau <= 1, got " + gamma + ", " + tau);
        }
        if (actorLr <= 0 || criticLr <= 0 || alphaLr <= 0 || initialAlpha <= 0) {
            throw new IllegalArgumentException("learning rates and the initial temperature must be positive");
        }
    }

    public SacSettings withHidden(int width) {
        return new SacSettings(width, batchSize, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha, seed);
    }

    public SacSettings withInitialAlpha(float alpha) {
        return new SacSettings(hidden, batchSize, gamma, tau, actorLr, criticLr, alphaLr, alpha, seed);
    }

    public SacSettings withBatchSize(int size) {
        return new SacSettings(hidden, size, gamma, tau, actorLr, criticLr, alphaLr, initialAlpha, seed);
    }
}
