package io.takeover.robot.task;

import io.takeover.schemas.task.TaskSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A copy restored from a robot's observation is the robot's world: an operator can look ahead in it. */
class EnvironmentRestoreTest {

    @ParameterizedTest
    @CsvSource({Pendulum.NAME, Reacher.NAME})
    void aCopyRestoredFromAnObservationStepsAsTheOriginal(String task) {
        Random rng = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            Environment original = Simulators.create(task);
            float[] obs = original.reset(rng);
            for (int step = 0; step < 37; step++) { // wander off: angles past ±π, joints moving
                obs = original.step(randomAction(original.spec(), rng));
            }
            Environment copy = Simulators.create(task);
            assertArrayEquals(obs, copy.restore(obs), 1e-6f, "the restored state is the observed one");
            for (int step = 0; step < 20; step++) {
                float[] action = randomAction(original.spec(), rng);
                float[] expected = original.step(action);
                assertArrayEquals(expected, copy.step(action), 1e-4f, "trial " + trial + ", step " + step);
                assertEquals(original.lastReward(), copy.lastReward(), 1e-4f);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({Pendulum.NAME, Reacher.NAME})
    void noStepRewardsLessThanTheWorstReward(String task) {
        Random rng = new Random(12);
        Environment env = Simulators.create(task);
        float worst = env.worstReward();
        assertTrue(worst < 0);
        for (int episode = 0; episode < 50; episode++) {
            env.reset(rng);
            for (int step = 0; step < env.spec().maxSteps(); step++) {
                env.step(randomAction(env.spec(), rng));
                assertTrue(env.lastReward() >= worst, env.lastReward() + " < " + worst);
            }
        }
    }

    private static float[] randomAction(TaskSpec spec, Random rng) {
        float[] action = new float[spec.actDim()];
        for (int i = 0; i < action.length; i++) {
            action[i] = spec.actionLow()[i] + rng.nextFloat() * (spec.actionHigh()[i] - spec.actionLow()[i]);
        }
        return action;
    }
}
