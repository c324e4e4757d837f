package io.takeover.learner;

import ai.djl.nn.Block;
import io.takeover.learner.UpdateStats;
import io.takeover.replay.sample.Batch;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/** What the learner trains and publishes: RLIF (SAC) or the HG-DAgger baseline. */
public interface Agent extends AutoCloseable {

    /** One update on the batches sampled for it (G of them for an update-to-data ratio G). */
    UpdateStats update(List<Batch> batches);

    /** The policy network, as robots will run it. */
    Block actor();

    float[] obsMean();

    float[] obsStd();

    long steps();

    /** Writes everything training depends on. */
    void save(DataOutputStream out) throws IOException;

    /** Reads what {@link #save} wrote; fails when it was written for other settings. */
    void load(DataInputStream in) throws IOException;

    @Override
    void close();
}
