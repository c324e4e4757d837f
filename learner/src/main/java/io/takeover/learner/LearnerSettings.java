package io.takeover.learner;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param task             the task this learner improves (one learner per task)
 * @param obsDim           observation length
 * @param actionLow        lower action bounds
 * @param actionHigh       upper action bounds
 * @param agent            the algorithm and its hyper-parameters
 * @param minReplaySize    transitions the replay must hold before training starts
 * @param publishEvery     gradient steps between published policies
 * @param publishInterval  longest time between published policies (whichever comes first)
 * @param checkpointDir    where the learner checkpoints and resumes from; null for never
 * @param checkpointEvery  gradient steps between checkpoints
 * @param device           where it trains
 * @param threads          DJL (PyTorch) threads, applied when the engine starts in this JVM
 * @param updatesPerEnvStep gradient steps per environment step (transition into the online table):
 *                         the learner waits for data rather than run ahead of it, so that what it
 *                         learns does not depend on the machine's speed, and reports how far behind
 *                         it is when the machine cannot keep up; 0 trains as fast as it can
 * @param pretrainSteps    gradient steps on the prior table (demonstrations) alone before training
 *                         on the fleet's data, when the prior table holds any (HG-DAgger's BC
 *                         pre-training; 0 for RLIF, which samples the demonstrations with reward 0)
 */
public record LearnerSettings(String task, int obsDim, float[] actionLow, float[] actionHigh, AgentSettings agent,
        long minReplaySize, int publishEvery, Duration publishInterval, Path checkpointDir, int checkpointEvery,
        ComputeDevice device, int threads, double updatesPerEnvStep, int pretrainSteps) {

    /** Defaults, one source for the settings, the command line and local mode. */
    public static final int PUBLISH_EVERY = 500;
    public static final int PUBLISH_INTERVAL_SECONDS = 30;
    public static final int CHECKPOINT_EVERY = 1000;
    public static final long MIN_REPLAY_SIZE = 1000;

    public LearnerSettings {
        if (actionLow.length != actionHigh.length || actionLow.length == 0) {
            throw new IllegalArgumentException("action bounds must be non-empty and of equal length");
        }
        if (updatesPerEnvStep < 0 || pretrainSteps < 0) {
            throw new IllegalArgumentException("updates per environment step and pre-training steps must be >= 0, got "
                    + updatesPerEnvStep + " and " + pretrainSteps);
        }
        if (minReplaySize < 1 || publishEvery < 1 || checkpointEvery < 1 || threads < 1) {
            throw new IllegalArgumentException(
                    "min replay size, publish and checkpoint intervals and threads must be >= 1");
        }
        if (agent == null || device == null) {
            throw new IllegalArgumentException("an algorithm's settings and a device are required");
        }
        if (publishInterval.toMillis() < 1) {
            throw new IllegalArgumentException("publish interval must be positive, got " + publishInterval);
        }
    }

    /**
     * Defaults: publish every 500 steps or 30 s, checkpoint every 1,000 steps, on the CPU, one
     * thread, as fast as it can; HG-DAgger pre-trains {@value #PRETRAIN_STEPS} steps on demonstrations.
     */
    public static LearnerSettings of(String task, int obsDim, float[] actionLow, float[] actionHigh,
            AgentSettings agent, long minReplaySize, Path checkpointDir) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, agent, minReplaySize, PUBLISH_EVERY,
                Duration.ofSeconds(PUBLISH_INTERVAL_SECONDS), checkpointDir, CHECKPOINT_EVERY, ComputeDevice.CPU, 1, 0,
                agent.algorithm() == Algorithm.HG_DAGGER ? PRETRAIN_STEPS : 0);
    }

    public static final int PRETRAIN_STEPS = 2000;

    public LearnerSettings withPublishEvery(int steps) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, agent, minReplaySize, steps, publishInterval,
                checkpointDir, checkpointEvery, device, threads, updatesPerEnvStep, pretrainSteps);
    }

    public LearnerSettings withPublishInterval(Duration interval) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, agent, minReplaySize, publishEvery, interval,
                checkpointDir, checkpointEvery, device, threads, updatesPerEnvStep, pretrainSteps);
    }

    public LearnerSettings withCheckpointEvery(int steps) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, agent, minReplaySize, publishEvery,
                publishInterval, checkpointDir, steps, device, threads, updatesPerEnvStep, pretrainSteps);
    }

    public LearnerSettings withDevice(ComputeDevice d) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, agent, minReplaySize, publishEvery,
                publishInterval, checkpointDir, checkpointEvery, d, threads, updatesPerEnvStep, pretrainSteps);
    }

    public LearnerSettings withUpdatesPerEnvStep(double ratio) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, agent, minReplaySize, publishEvery,
                publishInterval, checkpointDir, checkpointEvery, device, threads, ratio, pretrainSteps);
    }

    public LearnerSettings withPretrainSteps(int steps) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, agent, minReplaySize, publishEvery,
                publishInterval, checkpointDir, checkpointEvery, device, threads, updatesPerEnvStep, steps);
    }

    public Algorithm algorithm() {
        return agent.algorithm();
    }

    public int actDim() {
        return actionLow.length;
    }

    /** How long to wait for the replay to fill before saying so again. */
    public static final Duration WAIT_REPORT = Duration.ofSeconds(10);
}
