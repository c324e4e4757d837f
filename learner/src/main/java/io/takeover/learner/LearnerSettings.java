package io.takeover.learner;

import io.takeover.learner.sac.SacSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * @param task             the task this learner improves (one learner per task)
 * @param obsDim           observation length
 * @param actionLow        lower action bounds
 * @param actionHigh       upper action bounds
 * @param sac              SAC hyper-parameters
 * @param minReplaySize    transitions the replay must hold before training starts
 * @param publishEvery     gradient steps between published policies
 * @param publishInterval  longest time between published policies (whichever comes first)
 * @param checkpointDir    where the learner checkpoints and resumes from; null for never
 * @param checkpointEvery  gradient steps between checkpoints
 * @param device           "cpu" or "gpu"
 * @param threads          DJL (PyTorch) threads, applied when the engine starts in this JVM
 * @param algorithm        {@code rlif} (SAC on the intervention reward) or {@code hg-dagger} (behaviour
 *                         cloning of the operator's corrections, the baseline)
 */
public record LearnerSettings(String task, int obsDim, float[] actionLow, float[] actionHigh, SacSettings sac,
        long minReplaySize, int publishEvery, Duration publishInterval, Path checkpointDir, int checkpointEvery,
        String device, int threads, String algorithm) {

    public static final String RLIF = "rlif";
    public static final String HG_DAGGER = "hg-dagger";

    public LearnerSettings {
        if (actionLow.length != actionHigh.length || actionLow.length == 0) {
            throw new IllegalArgumentException("action bounds must be non-empty and of equal length");
        }
        if (minReplaySize < 1 || publishEvery < 1 || checkpointEvery < 1 || threads < 1) {
            throw new IllegalArgumentException(
                    "min replay size, publish and checkpoint intervals and threads must be >= 1");
        }
        if (!algorithm.equals(RLIF) && !algorithm.equals(HG_DAGGER)) {
            throw new IllegalArgumentException("algorithm must be rlif or hg-dagger, got " + algorithm);
        }
        if (publishInterval.toMillis() < 1) {
            throw new IllegalArgumentException("publish interval must be positive, got " + publishInterval);
        }
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("device must be cpu or gpu, got " + device);
        }
    }

    /** Defaults: publish every 500 steps or 30 s, checkpoint every 1,000 steps, CPU, one thread. */
    public static LearnerSettings of(String task, int obsDim, float[] actionLow, float[] actionHigh, SacSettings sac,
            long minReplaySize, Path checkpointDir) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, sac, minReplaySize, 500,
                Duration.ofSeconds(30), checkpointDir, 1000, "cpu", 1, RLIF);
    }

    public LearnerSettings withPublishEvery(int steps) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, sac, minReplaySize, steps, publishInterval,
                checkpointDir, checkpointEvery, device, threads, algorithm);
    }

    public LearnerSettings withPublishInterval(Duration interval) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, sac, minReplaySize, publishEvery, interval,
                checkpointDir, checkpointEvery, device, threads, algorithm);
    }

    public LearnerSettings withCheckpointEvery(int steps) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, sac, minReplaySize, publishEvery,
                publishInterval, checkpointDir, steps, device, threads, algorithm);
    }

    public LearnerSettings withDevice(String d) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, sac, minReplaySize, publishEvery,
                publishInterval, checkpointDir, checkpointEvery, d, threads, algorithm);
    }

    public LearnerSettings withAlgorithm(String a) {
        return new LearnerSettings(task, obsDim, actionLow, actionHigh, sac, minReplaySize, publishEvery,
                publishInterval, checkpointDir, checkpointEvery, device, threads, a);
    }

    public int actDim() {
        return actionLow.length;
    }

    /** How long to wait for the replay to fill before saying so again. */
    public static final Duration WAIT_REPORT = Duration.ofSeconds(10);
}
