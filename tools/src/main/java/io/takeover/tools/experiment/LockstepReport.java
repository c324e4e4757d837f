package io.takeover.tools.experiment;

import io.takeover.learner.Algorithm;
import io.takeover.tools.experiment.LockstepResults.Operator;
import io.takeover.tools.experiment.LockstepResults.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The report of a lock-step experiment: charts (success, takeovers, human cost, quality), the
 * results table with its pre-registered comparisons, and every evaluation point as CSV.
 * Intervals are 95% percentile bootstrap intervals over seeds ({@link Bootstrap}).
 */
public final class LockstepReport {

    static final String RLIF = Algorithm.RLIF.id();
    static final String HG_DAGGER = Algorithm.HG_DAGGER.id();
    static final List<String> ARMS = List.of(RLIF, HG_DAGGER);
    /** The headline averages this many of a run's last evaluations, so one lucky one does not decide it. */
    static final int FINAL_EVALUATIONS = 3;

    private static final String CSV_HEADER = "arm,quality,seed,env_steps,success,success_sampled,takeovers,"
            + "operator_steps,gradient_steps,episodes,episode_successes,seconds";

    /** Writes success.png, takeovers.png, human-cost.png, quality.png (2+ qualities), results.md and results.csv. */
    public static void write(LockstepResults results, Path dir) throws IOException {
        Files.createDirectories(dir);
        LockstepCharts.success(results, dir.resolve("success.png"));
        LockstepCharts.takeovers(results, dir.resolve("takeovers.png"));
        LockstepCharts.humanCost(results, dir.resolve("human-cost.png"));
        if (results.qualities().size() >= 2) {
            LockstepCharts.quality(results, dir.resolve("quality.png"));
        }
        Files.writeString(dir.resolve("results.md"), summary(results));
        Files.writeString(dir.resolve("results.csv"), csv(results));
    }

    /** The results tables and comparisons as markdown: what results.md holds. */
    public static String summary(LockstepResults results) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# %s: RLIF vs HG-DAgger, %,d environment steps per run%n%n",
                results.task(), results.envSteps()));
        md.append(String.format(Locale.ROOT, "Final success is the policy alone (deterministic actions), the mean of "
                + "its last %d evaluations. Intervals are 95%% bootstrap percentile intervals over seeds "
                + "(%d resamples).%n", FINAL_EVALUATIONS, Bootstrap.RESAMPLES));
        for (double quality : results.qualities()) {
            md.append(String.format(Locale.ROOT, "%n## Operator %s (alone: %s), %d seeds%n%n", percent(quality),
                    percent(operatorAlone(results, quality)), seeds(results, quality)));
            table(md, results, quality);
            md.append("\nPre-registered comparisons (final success, percentage points):\n\n");
            comparisons(md, results, quality);
        }
        return md.toString();
    }

    private static void table(StringBuilder md, LockstepResults results, double quality) {
        md.append(String.format(Locale.ROOT, "| arm | final success (policy alone, mean of last %d evaluations) "
                + "[95%% CI] | takeovers per 1,000 steps (last quarter) | operator steps | gradient steps "
                + "| wall time (s) |%n", FINAL_EVALUATIONS));
        md.append("|---|---|---|---|---|---|\n");
        for (String arm : ARMS) {
            List<Run> runs = runs(results, arm, quality);
            if (runs.isEmpty()) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", arm,
                    successWithInterval(finalSuccesses(runs)),
                    number("%.1f", Bootstrap.mean(perRun(runs, r -> lastQuarterTakeoversPer1k(r, results.envSteps())))),
                    number("%,.0f", Bootstrap.mean(perRun(runs, r -> last(r, LockstepRun.Point::operatorSteps)))),
                    number("%,.0f", Bootstrap.mean(perRun(runs, r -> last(r, LockstepRun.Point::gradientSteps)))),
                    number("%,.0f", Bootstrap.mean(perRun(runs, r -> last(r, LockstepRun.Point::seconds))))));
        }
        md.append(String.format(Locale.ROOT, "| BC on demonstrations | %s | | | | |%n",
                successWithInterval(bcOnDemonstrations(results, quality))));
        md.append(String.format(Locale.ROOT, "| operator alone | %s | | | | |%n",
                successWithInterval(operatorAloneBySeed(results, quality))));
    }

    private static void comparisons(StringBuilder md, LockstepResults results, double quality) {
        Map<Long, Double> rlif = finalBySeed(runs(results, RLIF, quality));
        Map<Long, Double> dagger = finalBySeed(runs(results, HG_DAGGER, quality));
        List<Double> paired = new ArrayList<>();
        for (Map.Entry<Long, Double> e : rlif.entrySet()) {
            Double other = dagger.get(e.getKey());
            if (other != null && !Double.isNaN(e.getValue()) && !Double.isNaN(other)) {
                paired.add(e.getValue() - other);
            }
        }
        double[] differences = paired.stream().mapToDouble(Double::doubleValue).toArray();
        comparison(md, "RLIF − HG-DAgger (paired by seed)", Bootstrap.mean(differences),
                Bootstrap.mean95(differences));
        double[] rlifFinals = finalSuccesses(runs(results, RLIF, quality));
        double[] alone = operatorAloneBySeed(results, quality);
        comparison(md, "RLIF − operator alone", Bootstrap.mean(rlifFinals) - Bootstrap.mean(alone),
                Bootstrap.difference95(rlifFinals, alone));
    }

    private static void comparison(StringBuilder md, String name, double difference, Bootstrap.Interval ci) {
        String above = Double.isNaN(ci.low()) ? "n/a" : ci.above(0) ? "yes" : "no";
        md.append(String.format(Locale.ROOT, "- %s: %s points, 95%% CI [%s, %s]; above 0: %s%n", name,
                points(difference), points(ci.low()), points(ci.high()), above));
    }

    /** One row per run and evaluation point, then the operator alone per quality and seed. */
    static String csv(LockstepResults results) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Run run : results.runs()) {
            for (LockstepRun.Point p : run.points()) {
                csv.append(String.join(",", run.arm(), value(run.quality()), Long.toString(run.seed()),
                        Long.toString(p.envSteps()), value(p.success()), value(p.successSampled()),
                        Long.toString(p.takeovers()), Long.toString(p.operatorSteps()),
                        Long.toString(p.gradientSteps()), Long.toString(p.episodes()),
                        Long.toString(p.episodeSuccesses()), value(p.seconds()))).append('\n');
            }
        }
        for (Operator o : results.operators()) {
            csv.append(String.join(",", "operator-alone", value(o.quality()), Long.toString(o.seed()), "",
                    value(o.aloneSuccess()), "", "", "", "", "", "", "")).append('\n');
        }
        return csv.toString();
    }

    /** The runs of one arm at one quality, by seed. */
    static List<Run> runs(LockstepResults results, String arm, double quality) {
        return results.runs().stream().filter(r -> r.arm().equals(arm) && same(r.quality(), quality))
                .sorted(Comparator.comparingLong(Run::seed)).toList();
    }

    /** The operator's own success at this quality, mean over seeds. */
    static double operatorAlone(LockstepResults results, double quality) {
        return Bootstrap.mean(operatorAloneBySeed(results, quality));
    }

    static double[] operatorAloneBySeed(LockstepResults results, double quality) {
        return results.operators().stream().filter(o -> same(o.quality(), quality))
                .mapToDouble(Operator::aloneSuccess).toArray();
    }

    /** Per HG-DAgger seed, its policy before the first environment step: BC on the demonstrations. */
    static double[] bcOnDemonstrations(LockstepResults results, double quality) {
        return runs(results, HG_DAGGER, quality).stream()
                .flatMap(r -> r.points().stream().filter(p -> p.envSteps() == 0).limit(1))
                .mapToDouble(LockstepRun.Point::success).filter(v -> !Double.isNaN(v)).toArray();
    }

    static double[] finalSuccesses(List<Run> runs) {
        return perRun(runs, r -> LockstepResults.finalSuccess(r, FINAL_EVALUATIONS));
    }

    /** Seeds with a run at this quality. */
    static int seeds(LockstepResults results, double quality) {
        return (int) results.runs().stream().filter(r -> same(r.quality(), quality)).mapToLong(Run::seed)
                .distinct().count();
    }

    /** Seeds with a run at any quality. */
    static int seeds(LockstepResults results) {
        return (int) results.runs().stream().mapToLong(Run::seed).distinct().count();
    }

    static double takeoversPer1k(LockstepRun.Point from, LockstepRun.Point to) {
        long steps = to.envSteps() - from.envSteps();
        return steps <= 0 ? Double.NaN : 1000.0 * (to.takeovers() - from.takeovers()) / steps;
    }

    /** From the last evaluation at or before three quarters of the budget to the run's last one. */
    static double lastQuarterTakeoversPer1k(Run run, int budget) {
        List<LockstepRun.Point> p = run.points();
        if (p.size() < 2) {
            return Double.NaN;
        }
        LockstepRun.Point end = p.get(p.size() - 1);
        LockstepRun.Point start = p.get(0);
        for (LockstepRun.Point point : p) {
            if (point.envSteps() <= end.envSteps() - budget / 4) {
                start = point;
            }
        }
        return takeoversPer1k(start, end);
    }

    /** An operator quality (a rate) as a percentage label: 0.4 is "40%". */
    static String percent(double rate) {
        return Double.isNaN(rate) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * rate);
    }

    private static String successWithInterval(double[] values) {
        double mean = Bootstrap.mean(values);
        if (Double.isNaN(mean)) {
            return "n/a";
        }
        Bootstrap.Interval ci = Bootstrap.mean95(values);
        return String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * mean, 100 * ci.low(), 100 * ci.high());
    }

    private static Map<Long, Double> finalBySeed(List<Run> runs) {
        Map<Long, Double> bySeed = new HashMap<>();
        for (Run run : runs) {
            bySeed.put(run.seed(), LockstepResults.finalSuccess(run, FINAL_EVALUATIONS));
        }
        return bySeed;
    }

    private static double[] perRun(List<Run> runs, ToDoubleFunction<Run> f) {
        return runs.stream().mapToDouble(f).toArray();
    }

    /** A value of the run's last evaluation; NaN for a run without any. */
    private static double last(Run run, ToDoubleFunction<LockstepRun.Point> value) {
        return run.points().isEmpty() ? Double.NaN : value.applyAsDouble(run.points().get(run.points().size() - 1));
    }

    private static String points(double rate) {
        return Double.isNaN(rate) ? "n/a" : String.format(Locale.ROOT, "%+.1f", 100 * rate);
    }

    private static String number(String format, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
    }

    private static String value(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static boolean same(double a, double b) {
        return Math.abs(a - b) < 1e-9;
    }

    private LockstepReport() {}
}
