package io.takeover.learner.bc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.takeover.learner.nn.CollectingGarbage;
import io.takeover.replay.sample.Batch;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BcAgentTest {

    /** The operator answers each state with a = −x₀ (clipped); the policy's own rows act at random. */
    @Test
    void imitatesTheOperatorsCorrectionsAndIgnoresThePolicysOwnActions() throws Exception {
        BcSettings settings = BcSettings.DEFAULT.withHidden(64).withBatchSize(128);
        Random rng = new Random(9);
        try (CollectingGarbage gc = new CollectingGarbage();
                BcAgent agent = new BcAgent(settings, 2, 1, new float[] {-2}, new float[] {2}, new float[] {0, 0},
                new float[] {1, 1}, Device.cpu())) {
            Batch batch = Batch.allocate(128, 2, 1);
            for (int step = 0; step < 600; step++) {
                for (int i = 0; i < 128; i++) {
                    float x = (float) rng.nextGaussian();
                    batch.observations()[2 * i] = x;
                    batch.observations()[2 * i + 1] = (float) rng.nextGaussian();
                    boolean operator = rng.nextBoolean();
                    batch.operator()[i] = operator ? 1 : 0;
                    batch.actions()[i] = operator ? Math.max(-1.5f, Math.min(1.5f, -x)) : rng.nextFloat() * 4 - 2;
                }
                agent.update(List.of(batch));
            }
            float[] obs = new float[200];
            for (int i = 0; i < obs.length; i++) {
                obs[i] = (float) rng.nextGaussian();
            }
            float[] actions = agent.act(obs, 100);
            double error = 0;
            for (int i = 0; i < 100; i++) {
                error += Math.abs(actions[i] - Math.max(-1.5f, Math.min(1.5f, -obs[2 * i])));
            }
            assertTrue(error / 100 < 0.15, "mean distance to the operator's action: " + error / 100);
        }
    }
}
