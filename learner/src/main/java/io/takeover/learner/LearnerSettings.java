package io.takeover.learner;

import io.takeover.learner.sac.SacSettings;
import java.time.Duration;

/**
 * @param task             the task this learner improves (one learner per task)
 * @param obsDim           observation length
 * @param actionLow        lower action bounds
 * @param actionHigh       upper action bounds
 * @param sac              SAC hyper-parameters
 * @param minReplaySize    transitions the replay must hold before training starts
 * @param publishEvery     gradient steps between published policies
 * @param device           "cpu" or "gpu"
 */
public record LearnerSettings(String task, int obsDim, float[] actionLow, float[] actionHigh, SacSettings sac,
        long minReplaySize, int publishEvery, String device) {

    public LearnerSettings {
        if (actionLow.length != actionHigh.length || actionLow.length == 0) {
            throw new IllegalArgumentException("action bounds must be non-empty and of equal length");
        }
        if (minReplaySize < 1 || publishEvery < 1) {
            throw new IllegalArgumentException("min replay size and publish interval must be >= 1");
        }
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("device must be cpu or gpu, got " + device);
        }
    }

    public int actDim() {
        return actionLow.length;
    }

    /** How long to wait for the replay to fill before saying so again. */
    public static final Duration WAIT_REPORT = Duration.ofSeconds(10);
}
