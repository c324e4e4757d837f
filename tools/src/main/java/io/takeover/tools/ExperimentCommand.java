package io.takeover.tools;

import io.takeover.learner.Algorithm;
import io.takeover.cli.DurationConverter;
import io.takeover.cli.Subcommand;
import io.takeover.tools.experiment.Experiment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code takeover experiment}: RLIF vs HG-DAgger vs the operator alone, through the real pipeline. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run RLIF and HG-DAgger on the same task, operator and seeds, each through the whole pipeline "
                + "(Kafka, label job, replay, learner, fleet), beside the operator alone; write results.csv and "
                + "results.png with success rate and takeovers per 1,000 steps against environment steps.")
public final class ExperimentCommand implements Callable<Integer>, Subcommand {

    @Option(names = "--task", defaultValue = "pendulum", description = "pendulum or reacher (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--operator-quality", defaultValue = "0.4",
            description = "The operators' own success rate in full control (default ${DEFAULT-VALUE}).")
    double quality;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds per arm (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--run-for", defaultValue = "240s", converter = DurationConverter.class,
            description = "Length of each learning run (default ${DEFAULT-VALUE}).")
    Duration runFor;

    @Option(names = "--robots", defaultValue = "8", description = "Robots per run (default ${DEFAULT-VALUE}).")
    int robots;

    @Option(names = "--hz", defaultValue = "20", description = "Their control rate (default ${DEFAULT-VALUE}).")
    int hz;

    @Option(names = "--bin-steps", defaultValue = "2000",
            description = "Environment steps per point of the curves (default ${DEFAULT-VALUE}).")
    int binSteps;

    @Option(names = "--out", defaultValue = ".takeover/experiment",
            description = "Where the runs and results go (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Experiment.Settings settings = new Experiment.Settings(task, quality, seeds, runFor, robots, hz, binSteps);
        System.out.printf(Locale.ROOT, "experiment: %s, operator quality %.0f%%, %d seeds x %s, %d runs of %s; in %s%n",
                task, 100 * quality, seeds, Experiment.ALGORITHMS, seeds * Experiment.ALGORITHMS.size(), runFor,
                out.toAbsolutePath());
        Experiment.Result result = new Experiment(settings, out).run(p -> {
            double done = (p.run() - 1 + Math.min(1.0, (double) p.elapsed().toMillis() / p.of().toMillis())) / p.runs();
            int filled = (int) Math.round(done * 30);
            System.out.printf(Locale.ROOT, "\r[%s%s] %3.0f%%  run %d/%d: %s seed %d, %ds of %ds ", "#".repeat(filled),
                    ".".repeat(30 - filled), 100 * done, p.run(), p.runs(), p.algorithm(), p.seed(),
                    p.elapsed().toSeconds(), p.of().toSeconds());
            System.out.flush();
        });
        System.out.println();
        int last = Math.max(1, result.bins() / 4);
        System.out.printf(Locale.ROOT, "%-16s %14s %22s%n", "final quarter", "success rate", "takeovers per 1,000");
        System.out.printf(Locale.ROOT, "%-16s %13.0f%% %22s%n", "operator alone", 100 * result.operatorAloneMean(),
                "-");
        for (Algorithm algorithm : Experiment.ALGORITHMS) {
            System.out.printf(Locale.ROOT, "%-16s %13.0f%% %22.1f%n", algorithm,
                    100 * result.finalMean(algorithm, true, last), result.finalMean(algorithm, false, last));
        }
        System.out.printf("wrote %s and %s%n", out.resolve("results.csv"), out.resolve("results.png"));
        return 0;
    }
}
