package io.takeover.tools;

import io.takeover.cli.Subcommand;
import io.takeover.learner.Algorithm;
import io.takeover.learner.LearnerSettings;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.store.BatchMix;
import io.takeover.tools.experiment.Experiment;
import io.takeover.tools.experiment.LockstepExperiment;
import io.takeover.tools.experiment.LockstepReport;
import io.takeover.tools.experiment.LockstepResults;
import io.takeover.tools.experiment.LockstepSettings;
import io.takeover.tools.experiment.OperatorSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code takeover experiment}: RLIF vs HG-DAgger vs the operator alone. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"RLIF against HG-DAgger and the operator alone, on the same task, operators, demonstrations, "
                + "seeds and budget of environment steps.",
                "lockstep (default): each run in one process, environment steps, labels (the label job's RLIF rule), "
                        + "a RocksDB replay and exactly --updates-per-env-step gradient steps per environment step, "
                        + "reproducible under its seed; the policy alone is evaluated every --eval-every steps on "
                        + "fixed start states. Writes success.png, takeovers.png, human-cost.png, quality.png, "
                        + "results.md, results.csv and manifest.json; an interrupted experiment resumes.",
                "pipeline: each run through the whole pipeline (Kafka, label job, replay, paced learner, fleet) "
                        + "until the fleet has taken --env-steps; the robots' newest policy is evaluated alone as in "
                        + "lockstep; the same report."})
public final class ExperimentCommand implements Callable<Integer>, Subcommand {

    @Option(names = "--mode", defaultValue = "lockstep", description = "lockstep or pipeline (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--task", defaultValue = "pendulum", description = "pendulum or reacher (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--operator-quality", defaultValue = "0.4", split = ",",
            description = "The operators' own success rate in full control; several, comma-separated, for a "
                    + "comparison over quality (default ${DEFAULT-VALUE}).")
    List<Double> qualities;

    @Option(names = "--operator-errors", defaultValue = "systematic",
            description = "systematic: a biased controller, calibrated to the quality; noise: a perfect controller "
                    + "plus zero-mean noise, the control condition (default ${DEFAULT-VALUE}).")
    String errors;

    @Option(names = "--takeover", defaultValue = "value",
            description = "value: the RLIF paper's rule (take over with p 0.95 when the policy's action is worth less "
                    + "than alpha times the reference's, else 0.05; 4 steps each; alpha the task's: 0.998 pendulum, "
                    + "0.999 reacher), value:ALPHA; risk; random:P (default ${DEFAULT-VALUE}).")
    String takeover;

    @Option(names = "--seeds", defaultValue = "5", description = "Seeds per arm (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--env-steps", defaultValue = "20000",
            description = "Budget of environment steps of each run, the same for both arms (default ${DEFAULT-VALUE}).")
    int envSteps;

    @Option(names = "--updates-per-env-step", defaultValue = "1",
            description = "Gradient steps per environment step (default ${DEFAULT-VALUE}).")
    double updatesPerEnvStep;

    @Option(names = "--utd", defaultValue = "1", description = "RLIF critic updates per actor update (default ${DEFAULT-VALUE}).")
    int utd;

    @Option(names = "--demonstrations", defaultValue = "20",
            description = "Episodes the operator demonstrates first, for both arms (default ${DEFAULT-VALUE}).")
    int demonstrations;

    @Option(names = "--warmup", defaultValue = "1000",
            description = "Environment steps before the first gradient step (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--eval-every", defaultValue = "1000",
            description = "Environment steps between evaluations of the policy alone (default ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--eval-episodes", defaultValue = "30",
            description = "Fixed start states per evaluation (default ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--critics", defaultValue = "2", description = "RLIF's critics (default ${DEFAULT-VALUE}).")
    int critics;

    @Option(names = "--batch-size", defaultValue = "128", description = "Transitions per gradient step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--batch-mix", defaultValue = "symmetric",
            description = "How RLIF's batches are drawn: symmetric (RLPD: half online, half demonstrations), uniform "
                    + "(one buffer) or interventions (default ${DEFAULT-VALUE}).")
    String mix;

    @Option(names = "--parallel", defaultValue = "2", description = "Runs at a time, each a process (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--robots", defaultValue = "2",
            description = "pipeline mode: robots per run; with --hz, few enough that the learner keeps its pace "
                    + "(default ${DEFAULT-VALUE}).")
    int robots;

    @Option(names = "--hz", defaultValue = "20", description = "pipeline mode: their control rate (default ${DEFAULT-VALUE}).")
    int hz;

    @Option(names = "--out", defaultValue = ".takeover/experiment",
            description = "Where the runs and results go (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        return switch (mode) {
            case "lockstep" -> lockstep();
            case "pipeline" -> pipeline();
            default -> throw new IllegalArgumentException("--mode is lockstep or pipeline, got '" + mode + "'");
        };
    }

    private int lockstep() throws Exception {
        LockstepSettings base = new LockstepSettings(task, Algorithm.RLIF, null, 1, envSteps, updatesPerEnvStep, warmup,
                demonstrations, LearnerSettings.PRETRAIN_STEPS, evalEvery, evalEpisodes, 10,
                SacSettings.DEFAULT.hidden(), SacSettings.DEFAULT.depth(), batchSize, critics, utd, BatchMix.of(mix));
        OperatorSpec spec = new OperatorSpec(qualities.get(0), errors, takeover);
        int runs = 2 * seeds * qualities.size();
        System.out.printf(Locale.ROOT, "experiment (lock-step): %s, operators %s (%s errors, %s takeovers), %d seeds, "
                + "rlif and hg-dagger: %d runs of %,d environment steps at %.1f gradient steps each, %d at a time; in %s%n",
                task, qualities, errors, takeover, seeds, runs, envSteps, updatesPerEnvStep, parallel,
                out.toAbsolutePath());
        LockstepResults results = new LockstepExperiment(new LockstepExperiment.Settings(base, spec, qualities, seeds,
                parallel, Duration.ofHours(6)), out).run(p -> {
                    int filled = (int) Math.round(30.0 * p.finished() / p.runs());
                    System.out.printf(Locale.ROOT, "\r[%s%s] %d/%d runs  %-60s", "#".repeat(filled),
                            ".".repeat(30 - filled), p.finished(), p.runs(), p.last());
                    System.out.flush();
                });
        System.out.println();
        System.out.println(LockstepReport.summary(results));
        System.out.printf("wrote results.md, results.csv, manifest.json and the charts in %s%n", out.toAbsolutePath());
        return 0;
    }

    private int pipeline() throws Exception {
        Experiment.Settings settings = new Experiment.Settings(task, new OperatorSpec(qualities.get(0), errors, takeover),
                seeds, envSteps, robots, hz, updatesPerEnvStep, demonstrations, evalEvery, evalEpisodes);
        System.out.printf(Locale.ROOT, "experiment (pipeline): %s, operator %.0f%% (%s errors, %s takeovers), %d seeds x "
                + "%s, %d runs of %,d environment steps (%d robots at %d Hz), learner paced at %.1f gradient steps each; "
                + "in %s%n", task, 100 * qualities.get(0), errors, takeover, seeds, Experiment.ALGORITHMS,
                seeds * Experiment.ALGORITHMS.size(), envSteps, robots, hz, updatesPerEnvStep, out.toAbsolutePath());
        LockstepResults results = new Experiment(settings, out).run(p -> {
            double done = (p.run() - 1 + Math.min(1.0, (double) p.envSteps() / p.of())) / p.runs();
            int filled = (int) Math.round(done * 30);
            System.out.printf(Locale.ROOT, "\r[%s%s] %3.0f%%  run %d/%d: %s seed %d, %,d of %,d steps ",
                    "#".repeat(filled), ".".repeat(30 - filled), 100 * done, p.run(), p.runs(), p.algorithm(),
                    p.seed(), p.envSteps(), p.of());
            System.out.flush();
        });
        System.out.println();
        System.out.println(LockstepReport.summary(results));
        System.out.printf("wrote results.md, results.csv and the charts in %s%n", out.toAbsolutePath());
        return 0;
    }
}
