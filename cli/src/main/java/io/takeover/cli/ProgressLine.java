package io.takeover.cli;

import io.takeover.runtime.FleetStatsBoard.Totals;
import java.util.Locale;
import java.util.Map;

/**
 * One line of {@code takeover local}'s progress: versions, takeover rates, replay, learner; and,
 * once a version that ran long enough needs half the takeovers of v0 or fewer, that it does.
 */
public final class ProgressLine {

    /** Steps a version must have run before its takeover rate is compared with v0's. */
    static final long STEPS_TO_JUDGE = 600;

    public static String format(long elapsedSeconds, long newestVersion, Map<Long, Totals> byVersion, long replaySize,
            double learnerStepsPerSecond, long gradientSteps, long updatesBehind) {
        return format(null, elapsedSeconds, newestVersion, byVersion, replaySize, learnerStepsPerSecond, gradientSteps,
                updatesBehind);
    }

    /** @param task named on the line when more than one task learns (null: not named) */
    public static String format(String task, long elapsedSeconds, long newestVersion, Map<Long, Totals> byVersion,
            long replaySize, double learnerStepsPerSecond, long gradientSteps, long updatesBehind) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%4ds] %spolicy v%d", elapsedSeconds,
                task == null ? "" : task + ": ", newestVersion));
        if (byVersion.isEmpty()) {
            line.append(" | no fleet statistics yet");
        }
        int shown = 0;
        for (Map.Entry<Long, Totals> e : byVersion.entrySet()) {
            // the first (v0) and the two newest versions keep a line readable
            if (shown > 0 && shown < byVersion.size() - 2) {
                if (shown == 1) {
                    line.append(" | …");
                }
                shown++;
                continue;
            }
            Totals t = e.getValue();
            line.append(String.format(Locale.ROOT, " | v%d: %d steps %.1f takeovers/1k %s success",
                    e.getKey(), t.steps(), t.takeoversPer1k(),
                    t.episodes() == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * t.successRate())));
            shown++;
        }
        line.append(String.format(Locale.ROOT, " | replay %d | learner %.1f steps/s (%d)", replaySize,
                learnerStepsPerSecond, gradientSteps));
        if (updatesBehind > 0) {
            line.append(String.format(Locale.ROOT, ", %d behind the data", updatesBehind));
        }
        halved(byVersion).ifPresent(line::append);
        return line.toString();
    }

    /** "takeovers halved" with the figures, when the newest version judged needs half of v0's or fewer. */
    static java.util.Optional<String> halved(Map<Long, Totals> byVersion) {
        Totals first = byVersion.get(0L);
        if (first == null || first.steps() < STEPS_TO_JUDGE || first.takeoversPer1k() == 0) {
            return java.util.Optional.empty();
        }
        Map.Entry<Long, Totals> newest = null;
        for (Map.Entry<Long, Totals> e : byVersion.entrySet()) {
            if (e.getKey() > 0 && e.getValue().steps() >= STEPS_TO_JUDGE) {
                newest = e;
            }
        }
        if (newest == null || newest.getValue().takeoversPer1k() > first.takeoversPer1k() / 2) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(Locale.ROOT, " | takeovers halved: v0 %.1f → v%d %.1f per 1k",
                first.takeoversPer1k(), newest.getKey(), newest.getValue().takeoversPer1k()));
    }

    private ProgressLine() {}
}
