package io.takeover.learner.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.takeover.replay.table.Batch;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SacAgentTest {

    /**
     * One-step episodes where the only reward is −1 for acting below zero: the RLIF signal in
     * its simplest form. The policy must learn to stay at or above zero, in every context.
     */
    @Test
    void learnsToAvoidTheActionsThatEarnMinusOne() {
        SacSettings settings = SacSettings.DEFAULT.withHidden(64).withBatchSize(128).withInitialAlpha(0.1f);
        Random rng = new Random(11);
        try (SacAgent agent = new SacAgent(settings, 2, 1, new float[] {-2}, new float[] {2},
                new float[] {0, 0}, new float[] {1, 1}, Device.cpu())) {
            Batch batch = Batch.allocate(128, 2, 1);
            UpdateStats stats = null;
            for (int step = 0; step < 800; step++) {
                for (int i = 0; i < 128; i++) {
                    batch.observations()[2 * i] = (float) rng.nextGaussian();
                    batch.observations()[2 * i + 1] = (float) rng.nextGaussian();
                    float a = rng.nextFloat() * 4 - 2;
                    batch.actions()[i] = a;
                    batch.rewards()[i] = a < 0 ? -1 : 0;
                    batch.nextObservations()[2 * i] = 0;
                    batch.nextObservations()[2 * i + 1] = 0;
                    batch.dones()[i] = 1;
                }
                stats = agent.update(batch);
            }
            assertTrue(Float.isFinite(stats.criticLoss()) && Float.isFinite(stats.actorLoss()), stats.toString());
            assertEquals(800, agent.steps());
            float[] obs = new float[200];
            for (int i = 0; i < obs.length; i++) {
                obs[i] = (float) rng.nextGaussian();
            }
            float[] actions = agent.act(obs, 100);
            int safe = 0;
            for (float a : actions) {
                safe += a >= 0 ? 1 : 0;
            }
            assertTrue(safe >= 90, "the policy keeps away from −1: " + safe + "/100 actions >= 0");
        }
    }
}
