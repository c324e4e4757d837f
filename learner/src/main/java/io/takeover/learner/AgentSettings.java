package io.takeover.learner;

/**
 * An algorithm's own hyper-parameters ({@code SacSettings}, {@code BcSettings}), and what the
 * learner loop needs of them to feed it batches.
 */
public interface AgentSettings {

    Algorithm algorithm();

    /** Transitions per batch. */
    int batchSize();

    /** Batches per update (the update-to-data ratio G). */
    int utd();

    /** Seeds initialisation and sampling. */
    long seed();
}
