package io.takeover.tools.experiment;

import io.takeover.robot.policy.MlpPolicy;
import io.takeover.robot.task.Environment;
import io.takeover.robot.task.Simulators;
import java.util.Random;

/**
 * The policy alone, no operator watching: its success rate over a fixed set of start states
 * (episode i starts from {@code Random(seed + i)}, the same for every arm, seed and version),
 * with its deterministic actions (the squashed mean) and with sampled ones.
 */
public final class PolicyEvaluation {

    /** Success rates of one evaluation. */
    public record Score(double meanAction, double sampledAction) {}

    private final String task;
    private final int episodes;
    private final long seed;

    public PolicyEvaluation(String task, int episodes, long seed) {
        this.task = task;
        this.episodes = episodes;
        this.seed = seed;
    }

    public Score score(MlpPolicy policy) {
        return new Score(successRate(policy, false), successRate(policy, true));
    }

    private double successRate(MlpPolicy policy, boolean sampled) {
        MlpPolicy.Actor actor = policy.newActor();
        Random noise = new Random(seed ^ 0x5DEECE66DL);
        int successes = 0;
        for (int i = 0; i < episodes; i++) {
            Environment env = Simulators.create(task);
            float[] obs = env.reset(new Random(seed + i));
            float[] action = new float[env.spec().actDim()];
            for (int step = 0; step < env.spec().maxSteps() && !env.terminated(); step++) {
                if (sampled) {
                    actor.sample(obs, noise, action);
                } else {
                    actor.act(obs, action);
                }
                obs = env.step(action);
            }
            successes += env.succeeded() ? 1 : 0;
        }
        return (double) successes / episodes;
    }
}
