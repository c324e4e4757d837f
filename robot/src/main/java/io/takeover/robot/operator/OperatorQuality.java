package io.takeover.robot.operator;

import io.takeover.robot.task.Environment;
import io.takeover.robot.task.Tasks;
import java.util.Random;

/**
 * The quality knob: an operator's own success rate when it controls the robot alone, for the
 * whole episode. Quality is set through the noise on the operator's actions, found by bisection
 * on episodes the operator runs alone (deterministic under the seed; milliseconds).
 */
public final class OperatorQuality {

    private static final int EPISODES = 200;
    private static final int ROUNDS = 14;
    private static final double MAX_NOISE = 8.0;

    /** {@code settings} with the action noise at which the operator alone succeeds {@code successRate} of the time. */
    public static OperatorSettings calibrate(String task, double successRate, OperatorSettings settings, long seed) {
        if (successRate <= 0 || successRate >= 1) {
            throw new IllegalArgumentException("operator quality is a success rate in (0, 1), got " + successRate);
        }
        double low = 0;
        double high = MAX_NOISE;
        if (aloneSuccessRate(task, settings.withActionNoise(low), seed) < successRate) {
            return settings.withActionNoise(0); // as good as this skill gets
        }
        for (int round = 0; round < ROUNDS; round++) {
            double mid = (low + high) / 2;
            if (aloneSuccessRate(task, settings.withActionNoise(mid), seed) >= successRate) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return settings.withActionNoise(low);
    }

    /** The share of {@value #EPISODES} episodes the operator succeeds in, in control from the first step. */
    public static double aloneSuccessRate(String task, OperatorSettings settings, long seed) {
        Random rng = new Random(seed);
        ScriptedOperator operator = new ScriptedOperator("calibration", OperatorSkill.forTask(task), settings, rng);
        int successes = 0;
        for (int episode = 0; episode < EPISODES; episode++) {
            Environment env = Tasks.newEnvironment(task);
            float[] obs = env.reset(rng);
            for (int step = 0; step < env.spec().maxSteps() && !env.terminated(); step++) {
                obs = env.step(operator.act(obs));
            }
            successes += env.succeeded() ? 1 : 0;
        }
        return (double) successes / EPISODES;
    }

    private OperatorQuality() {}
}
