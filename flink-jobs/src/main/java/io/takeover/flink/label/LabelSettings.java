package io.takeover.flink.label;

import java.io.Serializable;
import java.time.Duration;

/**
 * The choices of the RLIF labelling.
 *
 * @param allowedLateness     how long, in event time, a step waits for interventions that concern
 *                            it before its label is final; later interventions cannot change it
 * @param idleTimeout         event time after a robot's last step when its unfinished episode is
 *                            abandoned and its state cleared
 * @param takeoverEndsEpisode whether the takeover transition is terminal for the critic
 *                            (default false, as in the RLIF code: the episode goes on)
 */
public record LabelSettings(Duration allowedLateness, Duration idleTimeout, boolean takeoverEndsEpisode)
        implements Serializable {

    public static final LabelSettings DEFAULT = new LabelSettings(Duration.ofSeconds(2), Duration.ofMinutes(5), false);

    public LabelSettings {
        if (allowedLateness.isNegative() || idleTimeout.compareTo(allowedLateness) <= 0) {
            throw new IllegalArgumentException("need 0 <= allowed lateness < idle timeout, got " + allowedLateness
                    + " and " + idleTimeout);
        }
    }
}
