package io.takeover.flink.ingest;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The checks an input must pass on its own before it may influence a label; whether a step fits
 * its task is checked against the registry ({@link InputDecoder}).
 */
public final class InputValidator implements Serializable {

    private final Duration maxFutureSkew;

    public InputValidator(Duration maxFutureSkew) {
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
