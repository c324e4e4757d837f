package io.takeover.tools.experiment;

import io.takeover.learner.Algorithm;
import io.takeover.replay.store.BatchMix;
import io.takeover.robot.operator.OperatorSettings;

/**
 * One lock-step learning run: the environment steps, the labels, the replay and the gradient
 * steps in one thread, in a fixed order, so the update ratio is exact and a seed reproduces it.
 *
 * @param task              pendulum or reacher
 * @param algorithm         RLIF or HG-DAgger
 * @param operator          the operator watching the robot (calibrated)
 * @param seed              seeds the environment, the operator, the demonstrations and the learner
 * @param envSteps          budget of environment steps
 * @param updatesPerEnvStep gradient steps per environment step once training has begun
 * @param warmupSteps       environment steps before the first gradient step (random actions
 *                          until then, unless a pre-trained policy acts)
 * @param demonstrations    episodes the operator demonstrates into the prior table first
 * @param pretrainSteps     HG-DAgger's BC steps on the demonstrations before the first environment step
 * @param evalEvery         environment steps between evaluations of the policy alone
 * @param evalEpisodes      fixed start states per evaluation
 * @param refreshEvery      environment steps between policy refreshes on the robot
 * @param hidden            width of the hidden layers
 * @param depth             hidden layers
 * @param batchSize         transitions per gradient step
 * @param critics           critics in RLIF's ensemble
 * @param utd               critic updates per actor update
 * @param mix               how RLIF's batches are drawn
 */
public record LockstepSettings(String task, Algorithm algorithm, OperatorSettings operator, long seed, int envSteps,
        double updatesPerEnvStep, int warmupSteps, int demonstrations, int pretrainSteps, int evalEvery,
        int evalEpisodes, int refreshEvery, int hidden, int depth, int batchSize, int critics, int utd, BatchMix mix) {

    public LockstepSettings {
        if (envSteps < 1 || evalEvery < 1 || evalEpisodes < 1 || refreshEvery < 1 || updatesPerEnvStep < 0
                || warmupSteps < 0 || demonstrations < 0 || pretrainSteps < 0) {
            throw new IllegalArgumentException("lock-step settings out of range: " + this);
        }
    }

    public LockstepSettings withAlgorithm(Algorithm a) {
        return new LockstepSettings(task, a, operator, seed, envSteps, updatesPerEnvStep, warmupSteps, demonstrations,
                pretrainSteps, evalEvery, evalEpisodes, refreshEvery, hidden, depth, batchSize, critics, utd, mix);
    }

    public LockstepSettings withSeed(long s) {
        return new LockstepSettings(task, algorithm, operator, s, envSteps, updatesPerEnvStep, warmupSteps,
                demonstrations, pretrainSteps, evalEvery, evalEpisodes, refreshEvery, hidden, depth, batchSize, critics,
                utd, mix);
    }

    public LockstepSettings withOperator(OperatorSettings o) {
        return new LockstepSettings(task, algorithm, o, seed, envSteps, updatesPerEnvStep, warmupSteps, demonstrations,
                pretrainSteps, evalEvery, evalEpisodes, refreshEvery, hidden, depth, batchSize, critics, utd, mix);
    }
}
