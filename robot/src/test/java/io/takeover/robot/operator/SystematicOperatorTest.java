package io.takeover.robot.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.task.Environment;
import io.takeover.robot.task.Pendulum;
import io.takeover.robot.task.Reacher;
import io.takeover.robot.task.Simulators;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A biased operator is wrong the same way every time, which behaviour cloning cannot average away. */
class SystematicOperatorTest {

    @ParameterizedTest
    @CsvSource({Pendulum.NAME, Reacher.NAME})
    void withoutBiasTheSkillIsTodaysController(String task) {
        OperatorSkill plain = OperatorSkill.forTask(task);
        OperatorSkill zero = OperatorSkill.forTask(task, 0);
        Environment env = Simulators.create(task);
        Random rng = new Random(4);
        for (int i = 0; i < 200; i++) {
            float[] obs = env.reset(rng);
            assertArrayEquals(plain.act(obs), zero.act(obs));
        }
        assertEquals(0, plain.bias());
    }

    @ParameterizedTest
    @CsvSource({Pendulum.NAME + ",0.85", Reacher.NAME + ",1.2"})
    void aBiasedOperatorWithoutNoiseFailsTheSameEpisodesEveryTime(String task, double bias) {
        OperatorSettings settings = OperatorSettings.DEFAULT.withActionNoise(0).withBias(bias);
        Random starts = new Random(8);
        int failures = 0;
        for (int episode = 0; episode < 40; episode++) {
            long start = starts.nextLong();
            boolean first = runsAlone(task, settings, start);
            assertEquals(first, runsAlone(task, settings, start), "episode " + episode);
            failures += first ? 0 : 1;
        }
        assertTrue(failures > 5 && failures < 35, "fails some episodes, not all: " + failures + " of 40");
    }

    @Test
    void theBiasedPendulumOperatorPushesTheSameWayNearUpright() {
        PendulumSkill unbiased = new PendulumSkill();
        PendulumSkill biased = new PendulumSkill(1);
        Random rng = new Random(5);
        double sum = 0;
        double sumSquares = 0;
        int n = 500;
        for (int i = 0; i < n; i++) {
            double theta = (rng.nextDouble() * 2 - 1) * 0.1;
            float[] obs = {(float) Math.cos(theta), (float) Math.sin(theta), (float) (rng.nextDouble() * 2 - 1) * 0.2f};
            double error = biased.act(obs)[0] - unbiased.act(obs)[0];
            sum += error;
            sumSquares += error * error;
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumSquares / n - mean * mean);
        assertTrue(mean > 5 * sd / Math.sqrt(n) && mean > 0.3, "mean error " + mean + ", sd " + sd);
    }

    @Test
    void theBiasedReacherOperatorComesToRestBesideTheTarget() {
        ReacherSkill skill = new ReacherSkill(2);
        Random rng = new Random(6);
        for (int episode = 0; episode < 20; episode++) {
            Reacher arm = new Reacher();
            float[] obs = arm.reset(rng);
            for (int step = 0; step < Reacher.MAX_STEPS; step++) {
                obs = arm.step(skill.act(obs));
            }
            double miss = Math.hypot(obs[8], obs[9]);
            assertTrue(miss > Reacher.REACHED_M, "episode " + episode + " misses by " + miss);
            assertTrue(Math.abs(obs[6]) < Reacher.STILL_RAD_S && Math.abs(obs[7]) < Reacher.STILL_RAD_S,
                    "at rest, steadily wrong, in episode " + episode);
        }
    }

    @Test
    void anOperatorRefusesASkillWithAnotherBias() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ScriptedOperator("op", new PendulumSkill(), OperatorSettings.DEFAULT.withBias(0.5),
                        new Random(1)));
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> ScriptedOperator.forTask("op", Pendulum.NAME,
                OperatorSettings.DEFAULT.withBias(0.5), new Random(1)));
    }

    private static boolean runsAlone(String task, OperatorSettings settings, long start) {
        ScriptedOperator operator = ScriptedOperator.forTask("op", task, settings, new Random(99));
        Environment env = Simulators.create(task);
        float[] obs = env.reset(new Random(start));
        for (int step = 0; step < env.spec().maxSteps(); step++) {
            obs = env.step(operator.act(obs));
        }
        return env.succeeded();
    }
}
