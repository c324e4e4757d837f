package io.takeover.robot.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.operator.ReacherSkill;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReacherTest {

    @Test
    void theSameSeedGivesTheSameEpisode() {
        Reacher a = new Reacher();
        Reacher b = new Reacher();
        assertArrayEquals(a.reset(new Random(7)), b.reset(new Random(7)));
        Random actions = new Random(3);
        for (int i = 0; i < Reacher.MAX_STEPS; i++) {
            float[] u = {(float) actions.nextGaussian(), (float) actions.nextGaussian()};
            assertArrayEquals(a.step(u), b.step(u));
        }
        assertEquals(Reacher.SPEC.obsDim(), a.step(new float[2]).length);
    }

    @Test
    void theFingertipIsWhereTheJointAnglesPutIt() {
        float[] obs = new Reacher().resetTo(0, 0, 0.1, 0.1);
        assertEquals(0.2 - 0.1, obs[8], 1e-6, "arm stretched along x: fingertip at (0.2, 0)");
        assertEquals(-0.1, obs[9], 1e-6);
        obs = new Reacher().resetTo(Math.PI / 2, -Math.PI / 2, 0.1, 0.1);
        assertEquals(0, obs[8], 1e-6, "up, then right: fingertip at (0.1, 0.1)");
        assertEquals(0, obs[9], 1e-6);
    }

    @Test
    void theOperatorsSkillReachesAndHoldsWhereDoingNothingDoesNot() {
        assertTrue(successRate(true) >= 0.95, "an expert without noise reaches the target");
        assertTrue(successRate(false) <= 0.05, "standing still is no way to succeed");
    }

    private static double successRate(boolean expert) {
        ReacherSkill skill = new ReacherSkill();
        Random rng = new Random(11);
        int successes = 0;
        for (int episode = 0; episode < 200; episode++) {
            Reacher reacher = new Reacher();
            float[] obs = reacher.reset(rng);
            for (int i = 0; i < Reacher.MAX_STEPS; i++) {
                obs = reacher.step(expert ? skill.act(obs) : new float[2]);
            }
            successes += reacher.succeeded() ? 1 : 0;
        }
        return successes / 200.0;
    }
}
