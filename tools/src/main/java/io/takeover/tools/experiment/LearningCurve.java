package io.takeover.tools.experiment;

import io.takeover.runtime.FleetStatsBoard.Totals;
import java.util.Map;

/**
 * A run's success rate and takeovers per 1,000 steps against environment steps, in bins of
 * equal width: each policy version's counts are spread over the steps it ran, in version order,
 * and added up per bin.
 */
public record LearningCurve(int binSteps, double[] successRate, double[] takeoversPer1k) {

    /** Whole bins only: a last, partly filled one is left out. */
    public static LearningCurve of(Map<Long, Totals> byVersion, int binSteps) {
        int bins = (int) (byVersion.values().stream().mapToLong(Totals::steps).sum() / binSteps);
        double[] steps = new double[bins];
        double[] takeovers = new double[bins];
        double[] episodes = new double[bins];
        double[] successes = new double[bins];
        long start = 0;
        for (Totals t : byVersion.values()) { // in version order
            long end = start + t.steps();
            for (int b = (int) (start / binSteps); b < bins && (long) b * binSteps < end; b++) {
                double overlap = Math.min(end, (long) (b + 1) * binSteps) - Math.max(start, (long) b * binSteps);
                double share = t.steps() == 0 ? 0 : overlap / t.steps();
                steps[b] += overlap;
                takeovers[b] += share * t.takeovers();
                episodes[b] += share * t.episodes();
                successes[b] += share * t.successes();
            }
            start = end;
        }
        double[] success = new double[bins];
        double[] per1k = new double[bins];
        for (int b = 0; b < bins; b++) {
            success[b] = episodes[b] < 0.5 ? Double.NaN : successes[b] / episodes[b];
            per1k[b] = 1000 * takeovers[b] / steps[b];
        }
        return new LearningCurve(binSteps, success, per1k);
    }
}
