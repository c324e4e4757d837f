package io.takeover.flink.stats;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The clock of the fleet statistics: event time plus the allowed lateness. A takeover is known
 * only once its steps are final, which the label job emits at that moment (the time of the
 * first operator-controlled step plus the lateness). Stamping steps the same way lets both meet
 * in one window, never late; the windows are offset so that each still covers a whole window
 * of event time, reported without the shift.
 */
public record StatsTime(long windowMs, long shiftMs) implements Serializable {

    public static StatsTime of(Duration window, Duration allowedLateness) {
        return new StatsTime(window.toMillis(), allowedLateness.toMillis());
    }

    /** Start, in event time, of the window holding event time {@code t}. */
    public long windowStart(long t) {
        return Math.floorDiv(t, windowMs) * windowMs;
    }

    /** The shifted timestamp that puts counts of the window starting at {@code start} into it. */
    public long stampOfWindow(long start) {
        return start + windowMs - 1 + shiftMs;
    }

    /** Tumbling windows over shifted time, aligned with whole windows of event time. */
    public TumblingEventTimeWindows windows() {
        return TumblingEventTimeWindows.of(Duration.ofMillis(windowMs), Duration.ofMillis(Math.floorMod(shiftMs,
                windowMs)));
    }

    /** Event time of a shifted window bound. */
    public long unshift(long shifted) {
        return shifted - shiftMs;
    }
}
