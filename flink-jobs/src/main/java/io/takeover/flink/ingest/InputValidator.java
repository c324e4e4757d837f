package io.takeover.flink.ingest;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The checks an input must pass before it may influence a label. Tasks with known dimensions
 * are checked against them; for any task, a robot's observation length is what it is.
 */
public final class InputValidator implements Serializable {

    private final Map<String, int[]> taskDims;
    private final Duration maxFutureSkew;

    /** @param taskDims task name → {obs_dim, act_dim} */
    public InputValidator(Map<String, int[]> taskDims, Duration maxFutureSkew) {
        this.taskDims = Map.copyOf(taskDims);
        this.maxFutureSkew = maxFutureSkew;
    }

    /** @return null when the step is fine, else why not */
    public Rejection check(Step step, Instant now) {
        if (step.getStep() < 0) {
            return new Rejection("NEGATIVE_STEP", "step index " + step.getStep() + " is negative; steps count from 0");
        }
        if (step.getRobotId().isEmpty() || step.getEpisodeId().isEmpty()) {
            return new Rejection("MISSING_ID", "robot_id and episode_id must not be empty");
        }
        Rejection time = checkTime(step.getEventTime(), now);
        if (time != null) {
            return time;
        }
        int[] dims = taskDims.get(step.getTask());
        boolean last = step.getTerminated() || step.getTruncated();
        if (dims != null) {
            if (step.getObservation().size() != dims[0]) {
                return new Rejection("BAD_DIMENSIONS", "task " + step.getTask() + " has observations of length "
                        + dims[0] + ", got " + step.getObservation().size());
            }
            if (step.getAction().size() != dims[1] && !(last && step.getAction().isEmpty())) {
                return new Rejection("BAD_DIMENSIONS", "task " + step.getTask() + " has actions of length " + dims[1]
                        + ", got " + step.getAction().size() + " (only the final step may have none)");
            }
        }
        if (!allFinite(step.getObservation()) || !allFinite(step.getAction())) {
            return new Rejection("NOT_FINITE", "observation or action holds NaN or infinity");
        }
        return null;
    }

    public Rejection check(Intervention intervention, Instant now) {
        if (intervention.getRobotId().isEmpty()) {
            return new Rejection("MISSING_ID", "robot_id must not be empty");
        }
        return checkTime(intervention.getEventTime(), now);
    }

    private Rejection checkTime(Instant eventTime, Instant now) {
        if (eventTime.isAfter(now.plus(maxFutureSkew))) {
            return new Rejection("FUTURE_EVENT_TIME", "event time " + eventTime + " is more than " + maxFutureSkew
                    + " ahead of the job's clock; check the producer's clock");
        }
        return null;
    }

    private static boolean allFinite(List<Float> values) {
        for (Float v : values) {
            if (v == null || !Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
