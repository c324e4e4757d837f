package io.takeover.replay.sample;

/** How a table draws its items: uniformly, or by priority p^α with importance weights (N·P)^-β as in prioritized replay. */
public record Sampling(boolean prioritized, double alpha, double beta) {

    public static final Sampling UNIFORM = new Sampling(false, 0, 0);

    public static Sampling prioritized(double alpha, double beta) {
        return new Sampling(true, alpha, beta);
    }
}
