package io.takeover.tools.experiment;

import io.takeover.learner.Algorithm;
import io.takeover.local.LocalSettings;
import io.takeover.local.LocalStack;
import io.takeover.robot.operator.OperatorQuality;
import io.takeover.robot.operator.OperatorSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * RLIF against HG-DAgger and the operator alone, on one task with one operator, over several
 * seeds, each learning run through the whole pipeline ({@link LocalStack}: Kafka, the label
 * job, replay, learner, fleet). Writes {@code results.csv} and {@code results.png}.
 */
public final class Experiment {

    /**
     * @param task       the task
     * @param quality    the operator's own success rate in full control
     * @param seeds      seeds 1..seeds, each arm the same ones
     * @param runFor     how long each learning run lasts
     * @param robots     robots in each run
     * @param hz         their control rate
     * @param binSteps   environment steps per point of the curves
     */
    public record Settings(String task, double quality, int seeds, Duration runFor, int robots, int hz,
            int binSteps) {}

    /** One learning run's curve. */
    public record Run(Algorithm algorithm, long seed, LearningCurve curve) {}

    /** What a run is doing, for a progress display. */
    public record Progress(int run, int runs, Algorithm algorithm, long seed, Duration elapsed, Duration of) {}

    public static final List<Algorithm> ALGORITHMS = List.of(Algorithm.values());

    private final Settings settings;
    private final Path dir;

    public Experiment(Settings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
    }

    /** Runs every arm and seed; returns the operator's own success rate per seed and the runs. */
    public Result run(Consumer<Progress> progress) throws Exception {
        Files.createDirectories(dir);
        List<Double> operatorAlone = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        int total = ALGORITHMS.size() * settings.seeds();
        int done = 0;
        for (int seed = 1; seed <= settings.seeds(); seed++) {
            OperatorSettings operator = OperatorQuality.calibrate(settings.task(), settings.quality(),
                    OperatorSettings.DEFAULT, seed);
            operatorAlone.add(OperatorQuality.aloneSuccessRate(settings.task(), operator, 1000 + seed));
            for (Algorithm algorithm : ALGORITHMS) {
                Path runDir = dir.resolve(algorithm + "-seed" + seed);
                LocalSettings local = LocalSettings.in(runDir).robots(settings.robots()).kafkaPort(0)
                        .task(settings.task()).hz(settings.hz()).seed(seed).algorithm(algorithm).metricsPort(0)
                        .jobMetricsPorts("9249-9299").operator(operator).build();
                long started = System.nanoTime();
                try (LocalStack stack = LocalStack.start(local)) {
                    long end = started + settings.runFor().toNanos();
                    while (System.nanoTime() < end) {
                        Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                        progress.accept(new Progress(done + 1, total, algorithm, seed,
                                Duration.ofNanos(System.nanoTime() - started), settings.runFor()));
                    }
                    stack.stopFleet();
                    Thread.sleep(settings.runFor().toMillis() / 100 + 3000); // the last statistics come through
                    runs.add(new Run(algorithm, seed, LearningCurve.of(stack.board().totals(), settings.binSteps())));
                }
                done++;
            }
        }
        Result result = new Result(settings, operatorAlone, runs);
        writeCsv(result, dir.resolve("results.csv"));
        ExperimentChart.write(result, dir.resolve("results.png"));
        return result;
    }

    /** The operator's own success rate per seed, and every learning run. */
    public record Result(Settings settings, List<Double> operatorAlone, List<Run> runs) {

        public double operatorAloneMean() {
            return operatorAlone.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        /** The mean over seeds, for each bin, of one algorithm's curve; {@code success} or takeovers per 1k. */
        public double[] mean(Algorithm algorithm, boolean success) {
            List<double[]> curves = runs.stream().filter(r -> r.algorithm() == algorithm)
                    .map(r -> success ? r.curve().successRate() : r.curve().takeoversPer1k()).toList();
            double[] mean = new double[bins()];
            for (int b = 0; b < mean.length; b++) {
                double sum = 0;
                int n = 0;
                for (double[] c : curves) {
                    if (!Double.isNaN(c[b])) {
                        sum += c[b];
                        n++;
                    }
                }
                mean[b] = n == 0 ? Double.NaN : sum / n;
            }
            return mean;
        }

        /** Points every run has: the shortest run's. */
        public int bins() {
            return runs.stream().mapToInt(r -> r.curve().successRate().length).min().orElse(0);
        }

        /** The mean of the last {@code bins} points of an algorithm's mean curve. */
        public double finalMean(Algorithm algorithm, boolean success, int bins) {
            double[] m = mean(algorithm, success);
            double sum = 0;
            int n = 0;
            for (int b = Math.max(0, m.length - bins); b < m.length; b++) {
                if (!Double.isNaN(m[b])) {
                    sum += m[b];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }
    }

    private static void writeCsv(Result result, Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("arm,seed,env_steps,success_rate,takeovers_per_1k");
            for (int s = 0; s < result.operatorAlone().size(); s++) {
                out.printf(Locale.ROOT, "operator-alone,%d,,%.4f,%n", s + 1, result.operatorAlone().get(s));
            }
            for (Run run : result.runs()) {
                LearningCurve c = run.curve();
                for (int b = 0; b < c.successRate().length; b++) {
                    out.printf(Locale.ROOT, "%s,%d,%d,%s,%s%n", run.algorithm(), run.seed(), (b + 1) * c.binSteps(),
                            number(c.successRate()[b]), number(c.takeoversPer1k()[b]));
                }
            }
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
}
