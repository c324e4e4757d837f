package io.takeover.cli;

import io.takeover.runtime.FleetStatsBoard.Totals;
import java.util.Locale;
import java.util.Map;

/** One line of {@code takeover local}'s progress: versions, takeover rates, replay, learner. */
public final class ProgressLine {

    public static String format(long elapsedSeconds, long newestVersion, Map<Long, Totals> byVersion, long replaySize,
            double learnerStepsPerSecond, long gradientSteps) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%4ds] policy v%d", elapsedSeconds,
                newestVersion));
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
        return line.toString();
    }

    private ProgressLine() {}
}
