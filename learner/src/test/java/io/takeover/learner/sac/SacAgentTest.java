package io.takeover.learner.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.takeover.learner.UpdateStats;
import io.takeover.learner.nn.CollectingGarbage;
import io.takeover.replay.sample.Batch;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SacAgentTest {

    /**
     * One-step episodes where the only reward is −1 for acting below zero: the RLIF signal in
     * its simplest form. The policy must learn to stay at or above zero, in every context.
     */
    @Test
    void learnsToAvoidTheActionsThatEarnMinusOne() throws Exception {
        SacSettings settings = SacSettings.DEFAULT.withHidden(64).withBatchSize(128).withInitialAlpha(0.1f).withCritics(2);
        Random rng = new Random(11);
        try (CollectingGarbage gc = new CollectingGarbage();
                SacAgent agent = new SacAgent(settings, 2, 1, new float[] {-2}, new float[] {2},
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

    @Test
    void aSavedAgentLoadsIntoAFreshOneAndActsTheSame() throws Exception {
        SacSettings settings = SacSettings.DEFAULT.withHidden(32).withBatchSize(64).withCritics(3);
        Random rng = new Random(5);
        float[] mean = {0, 0};
        float[] std = {1, 1};
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        float[] obs = new float[20];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) rng.nextGaussian();
        }
        float[] before;
        float alpha;
        try (SacAgent agent = new SacAgent(settings, 2, 1, new float[] {-2}, new float[] {2}, mean, std,
                Device.cpu())) {
            Batch batch = Batch.allocate(64, 2, 1);
            for (int step = 0; step < 30; step++) {
                for (int i = 0; i < 128; i++) {
                    batch.observations()[i] = (float) rng.nextGaussian();
                    batch.nextObservations()[i] = (float) rng.nextGaussian();
                }
                for (int i = 0; i < 64; i++) {
                    batch.actions()[i] = rng.nextFloat() * 4 - 2;
                    batch.rewards()[i] = batch.actions()[i] < 0 ? -1 : 0;
                }
                agent.update(batch);
            }
            before = agent.act(obs, 10);
            alpha = agent.alpha();
            agent.save(new java.io.DataOutputStream(bytes));
        }
        try (SacAgent fresh = new SacAgent(settings.withSeed(99), 2, 1, new float[] {-2}, new float[] {2}, mean, std,
                Device.cpu())) {
            assertTrue(!java.util.Arrays.equals(before, fresh.act(obs, 10)), "a fresh agent acts otherwise");
            fresh.load(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(30, fresh.steps());
            assertEquals(alpha, fresh.alpha(), 0f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, fresh.act(obs, 10), 0f);
            fresh.update(Batch.allocate(64, 2, 1)); // and trains on
            assertEquals(31, fresh.steps());
        }
    }

    @Test
    void aCheckpointOfOtherSettingsIsRefusedSayingWhy() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (SacAgent agent = new SacAgent(SacSettings.DEFAULT.withHidden(16).withCritics(2), 2, 1,
                new float[] {-2}, new float[] {2}, new float[] {0, 0}, new float[] {1, 1}, Device.cpu())) {
            agent.save(new java.io.DataOutputStream(bytes));
        }
        try (SacAgent other = new SacAgent(SacSettings.DEFAULT.withHidden(16).withCritics(4), 2, 1,
                new float[] {-2}, new float[] {2}, new float[] {0, 0}, new float[] {1, 1}, Device.cpu())) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> other.load(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))));
            assertTrue(e.getMessage().contains("2 critics"), e.getMessage());
        }
    }

    /**
     * Rewards 0 everywhere and a wide policy at temperature 1: with the entropy bonus in the
     * backup Q climbs towards α·H/(1−γ), units above what the rewards alone give (without it,
     * the RLPD default), and would drown a −1 label.
     */
    @Test
    void theEntropyBackupLiftsQAboveTheScaleOfTheRewards() throws Exception {
        float without = meanQAfterZeroRewards(false);
        float with = meanQAfterZeroRewards(true);
        assertTrue(with - without > 2, "mean Q without the entropy backup " + without + ", with " + with);
    }

    private static float meanQAfterZeroRewards(boolean entropyBackup) throws Exception {
        SacSettings settings = SacSettings.DEFAULT.withHidden(32).withBatchSize(64).withCritics(2)
                .withEntropyBackup(entropyBackup);
        Random rng = new Random(3);
        try (SacAgent agent = new SacAgent(settings, 2, 1, new float[] {-1}, new float[] {1}, new float[] {0, 0},
                new float[] {1, 1}, Device.cpu())) {
            Batch batch = Batch.allocate(64, 2, 1);
            UpdateStats stats = null;
            for (int step = 0; step < 600; step++) {
                for (int i = 0; i < 64; i++) {
                    batch.observations()[2 * i] = (float) rng.nextGaussian();
                    batch.observations()[2 * i + 1] = (float) rng.nextGaussian();
                    batch.nextObservations()[2 * i] = (float) rng.nextGaussian();
                    batch.nextObservations()[2 * i + 1] = (float) rng.nextGaussian();
                    batch.actions()[i] = rng.nextFloat() * 2 - 1;
                    batch.rewards()[i] = 0;
                    batch.dones()[i] = 0;
                }
                stats = agent.update(batch);
            }
            return stats.meanQ();
        }
    }

    @Test
    void aCheckpointOfOtherDepthIsRefusedWithBothShapes() throws Exception {
        float[] zero = {0, 0};
        float[] one = {1, 1};
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (SacAgent agent = new SacAgent(SacSettings.DEFAULT.withHidden(16).withCritics(2).withDepth(2), 2, 1,
                new float[] {-1}, new float[] {1}, zero, one, Device.cpu())) {
            agent.save(new java.io.DataOutputStream(bytes));
        }
        try (SacAgent deeper = new SacAgent(SacSettings.DEFAULT.withHidden(16).withCritics(2), 2, 1,
                new float[] {-1}, new float[] {1}, zero, one, Device.cpu())) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> deeper.load(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))));
            assertEquals("checkpoint of 2 critics × 2 layers of 16 units; this learner has 2 × 3 of 16", e.getMessage());
        }
    }
}
