package io.takeover.robot.operator;

import io.takeover.robot.task.Environment;
import io.takeover.robot.task.Simulators;
import java.util.Random;
import java.util.function.DoubleFunction;

/**
 * The quality knob: an operator's own success rate when it controls the robot alone, for the
 * whole episode. Quality is set through the operator's systematic error, its bias (as the RLIF
 * paper's operators, behaviour-cloned policies, are wrong), found by bisection on episodes the
 * operator runs alone with its settings' small action noise (deterministic under the seed;
 * milliseconds). {@link #calibrateNoise} sets it through zero-mean noise instead: the
 * noise-only operator, a control for experiments.
 */
public final class OperatorQuality {

    private static final int EPISODES = 200;
    private static final int ROUNDS = 14;
    private static final double MAX_BIAS = 4.0;
    private static final double MAX_NOISE = 8.0;

    /** {@code settings} with the bias at which the operator alone succeeds {@code successRate} of the time. */
    public static OperatorSettings calibrate(String task, double successRate, OperatorSettings settings, long seed) {
        return bisect(task, successRate, MAX_BIAS, settings::withBias, seed);
    }

    /**
     * {@code settings} without bias, with the action noise at which the operator alone succeeds
     * {@code successRate} of the time: an operator whose errors behaviour cloning would average away.
     */
    public static OperatorSettings calibrateNoise(String task, double successRate, OperatorSettings settings,
            long seed) {
        OperatorSettings unbiased = settings.withBias(0);
        return bisect(task, successRate, MAX_NOISE, unbiased::withActionNoise, seed);
    }

    /** The share of {@value #EPISODES} episodes the operator succeeds in, in control from the first step. */
    public static double aloneSuccessRate(String task, OperatorSettings settings, long seed) {
        Random rng = new Random(seed);
        ScriptedOperator operator = ScriptedOperator.forTask("calibration", task, settings, rng);
        int successes = 0;
        for (int episode = 0; episode < EPISODES; episode++) {
            Environment env = Simulators.create(task);
            float[] obs = env.reset(rng);
            for (int step = 0; step < env.spec().maxSteps() && !env.terminated(); step++) {
                obs = env.step(operator.act(obs));
            }
            successes += env.succeeded() ? 1 : 0;
        }
        return (double) successes / EPISODES;
    }

    /** Bisects on a knob in [0, max] that makes the operator worse as it grows. */
    private static OperatorSettings bisect(String task, double successRate, double max,
            DoubleFunction<OperatorSettings> knob, long seed) {
        if (successRate <= 0 || successRate >= 1) {
            throw new IllegalArgumentException("operator quality is a success rate in (0, 1), got " + successRate);
        }
        double low = 0;
        double high = max;
        if (aloneSuccessRate(task, knob.apply(low), seed) < successRate) {
            return knob.apply(0); // as good as this skill gets
        }
        for (int round = 0; round < ROUNDS; round++) {
            double mid = (low + high) / 2;
            if (aloneSuccessRate(task, knob.apply(mid), seed) >= successRate) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return knob.apply(low);
    }

    private OperatorQuality() {}
}
