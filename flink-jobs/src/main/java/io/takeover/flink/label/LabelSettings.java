package io.takeover.flink.label;

import java.io.Serializable;
import java.time.Duration;

/**
 * The choices of the RLIF labelling.
 *
 * @param allowedLateness     how long, in event time, a step waits for interventions that concern
 *                            it before its label is final; later interventions cannot change it
 *                            and are dead-lettered
 * @param idleTimeout         event time after a robot's last step or intervention when its
 *                            unfinished episode is abandoned and its state cleared
 * @param takeoverEndsEpisode whether the takeover transition is terminal for the critic
 *                            (default false, as in the RLIF code: the episode goes on)
 * @param preTakeoverSteps    K: the K transitions before a takeover carry {@code steps_to_takeover}
 *                            (Sirius-style weighting); transitions are held back K steps for it
 * @param stateTtl            processing-time backstop: per-robot state untouched this long is dropped;
 *                            also how long a robot's record of what is final outlives its episode
 * @param quietAfter          when neither the watermark nor a robot's input has moved for the allowed
 *                            lateness plus this long (processing time), the robot's waiting steps are
 *                            labelled anyway: a quiet fleet is labelled within that bound, and an
 *                            intervention arriving after it is late
 */
public record LabelSettings(Duration allowedLateness, Duration idleTimeout, boolean takeoverEndsEpisode,
        int preTakeoverSteps, Duration stateTtl, Duration quietAfter) implements Serializable {

    public static final LabelSettings DEFAULT = new LabelSettings(Duration.ofSeconds(2), Duration.ofMinutes(5), false,
            10, Duration.ofDays(1), Duration.ofSeconds(3));

    public LabelSettings {
        if (allowedLateness.isNegative() || idleTimeout.compareTo(allowedLateness) <= 0) {
            throw new IllegalArgumentException("need 0 <= allowed lateness < idle timeout, got " + allowedLateness
                    + " and " + idleTimeout);
        }
        if (preTakeoverSteps < 0 || preTakeoverSteps > 1000) {
            throw new IllegalArgumentException("pre-takeover steps K must be 0..1000, got " + preTakeoverSteps);
        }
        if (stateTtl.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException("state TTL " + stateTtl + " must not be shorter than the idle timeout");
        }
        if (quietAfter.toMillis() < 100) {
            throw new IllegalArgumentException("quiet time must be >= 100 ms, got " + quietAfter);
        }
    }

    /** Processing time without input after which a robot's waiting steps are labelled regardless. */
    public Duration quietDelay() {
        return allowedLateness.plus(quietAfter);
    }

    public LabelSettings withAllowedLateness(Duration lateness) {
        return new LabelSettings(lateness, idleTimeout, takeoverEndsEpisode, preTakeoverSteps, stateTtl, quietAfter);
    }

    public LabelSettings withTakeoverEndsEpisode(boolean ends) {
        return new LabelSettings(allowedLateness, idleTimeout, ends, preTakeoverSteps, stateTtl, quietAfter);
    }

    public LabelSettings withPreTakeoverSteps(int k) {
        return new LabelSettings(allowedLateness, idleTimeout, takeoverEndsEpisode, k, stateTtl, quietAfter);
    }

    public LabelSettings withQuietAfter(Duration quiet) {
        return new LabelSettings(allowedLateness, idleTimeout, takeoverEndsEpisode, preTakeoverSteps, stateTtl, quiet);
    }
}
