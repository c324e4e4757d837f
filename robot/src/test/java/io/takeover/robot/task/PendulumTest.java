package io.takeover.robot.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PendulumTest {

    @Test
    void oneStepFollowsPendulumV1() {
        Pendulum p = new Pendulum();
        p.resetTo(1.0, 0.5);
        float[] obs = p.step(new float[] {1.5f});
        // θ̇' = 0.5 + (3·10/2 · sin 1 + 3 · 1.5) · 0.05 ; θ' = 1 + θ̇' · 0.05
        double thetaDot = 0.5 + (15 * Math.sin(1.0) + 4.5) * 0.05;
        double theta = 1.0 + thetaDot * 0.05;
        assertArrayEquals(new float[] {(float) Math.cos(theta), (float) Math.sin(theta), (float) thetaDot}, obs, 1e-6f);
        assertEquals(-(1.0 + 0.1 * 0.25 + 0.001 * 2.25), p.lastReward(), 1e-6);
    }

    @Test
    void torqueIsClippedToTwoAndSpeedToEight() {
        Pendulum p = new Pendulum();
        p.resetTo(Math.PI / 2, 7.9);
        float[] obs = p.step(new float[] {100f});
        assertEquals(8.0f, obs[2], 1e-6f);
        assertEquals(-(Math.pow(Math.PI / 2, 2) + 0.1 * 7.9 * 7.9 + 0.001 * 4), p.lastReward(), 1e-5);
    }

    @Test
    void resetDrawsFromGymnasiumsRangeAndIsDeterministicUnderASeed() {
        float[] a = new Pendulum().reset(new Random(3));
        float[] b = new Pendulum().reset(new Random(3));
        assertArrayEquals(a, b);
        for (int seed = 0; seed < 100; seed++) {
            float[] obs = new Pendulum().reset(new Random(seed));
            assertTrue(Math.abs(obs[2]) <= 1.0f);
            assertEquals(1.0, obs[0] * obs[0] + obs[1] * obs[1], 1e-5);
        }
    }

    @Test
    void successNeedsTheLastFiftyStepsUprightAndStill() {
        Pendulum p = new Pendulum();
        p.resetTo(0, 0);
        for (int i = 0; i < 49; i++) {
            p.step(new float[] {0});
        }
        assertFalse(p.succeeded(), "49 steps are not enough");
        p.step(new float[] {0});
        assertTrue(p.succeeded());
        p.resetTo(Math.PI, 0);
        for (int i = 0; i < 200; i++) {
            p.step(new float[] {0});
        }
        assertFalse(p.succeeded(), "hanging down is not success");
    }
}
