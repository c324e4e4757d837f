package io.takeover.tools.experiment;

import io.takeover.learner.Algorithm;
import io.takeover.local.LocalSettings;
import io.takeover.local.LocalStack;
import io.takeover.robot.operator.OperatorSettings;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.runtime.FleetStatsBoard.Totals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The confirmation of the lock-step experiment through the whole pipeline ({@link LocalStack}:
 * Kafka, the label job, the replay, the paced learner, the fleet): each arm and seed runs until
 * the fleet has taken the same budget of environment steps, and the robots' newest policy is
 * evaluated alone on the same fixed start states every {@code evalEvery} steps. Writes the same
 * report as {@link LockstepExperiment}.
 */
public final class Experiment {

    /**
     * @param task              the task
     * @param spec              the operator (quality, errors, takeover rule)
     * @param seeds             seeds 1..seeds, each arm the same ones
     * @param envSteps          budget of environment steps of each run
     * @param robots            robots in each run
     * @param hz                their control rate
     * @param updatesPerEnvStep the learner's pace
     * @param demonstrations    episodes demonstrated into the prior table first
     * @param evalEvery         environment steps between evaluations of the policy alone
     * @param evalEpisodes      fixed start states per evaluation
     */
    public record Settings(String task, OperatorSpec spec, int seeds, int envSteps, int robots, int hz,
            double updatesPerEnvStep, int demonstrations, int evalEvery, int evalEpisodes) {}

    /** What a run is doing, for a progress display. */
    public record Progress(int run, int runs, Algorithm algorithm, long seed, long envSteps, long of) {}

    public static final List<Algorithm> ALGORITHMS = List.of(Algorithm.RLIF, Algorithm.HG_DAGGER);

    /** Gradient steps between published policies: the robots act with a policy about as fresh as in lock-step. */
    private static final int PUBLISH_EVERY = 100;
    /** The networks and batches of the lock-step runs this confirms. */
    private static final int LOCKSTEP_HIDDEN = 256;
    private static final int LOCKSTEP_BATCH = 128;

    private final Settings settings;
    private final Path dir;

    public Experiment(Settings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
    }

    public LockstepResults run(Consumer<Progress> progress) throws Exception {
        Files.createDirectories(dir);
        List<LockstepResults.Operator> operators = new ArrayList<>();
        List<LockstepResults.Run> runs = new ArrayList<>();
        PolicyEvaluation evaluation = new PolicyEvaluation(settings.task(), settings.evalEpisodes(), 1_000_000);
        int total = ALGORITHMS.size() * settings.seeds();
        int done = 0;
        for (int seed = 1; seed <= settings.seeds(); seed++) {
            OperatorSettings operator = settings.spec().settings(settings.task(), seed);
            operators.add(LockstepResults.Operator.measured(settings.task(), settings.spec().quality(), seed, operator));
            for (Algorithm algorithm : ALGORITHMS) {
                LocalSettings local = LocalSettings.in(dir.resolve(algorithm + "-seed" + seed))
                        .robots(settings.robots()).kafkaPort(0).task(settings.task()).hz(settings.hz()).seed(seed)
                        .algorithm(algorithm).metricsPort(0).jobMetricsPorts("9249-9299").operator(operator)
                        .updatesPerEnvStep(settings.updatesPerEnvStep()).demonstrations(settings.demonstrations())
                        .publishEvery(PUBLISH_EVERY).hidden(LOCKSTEP_HIDDEN).batchSize(LOCKSTEP_BATCH).build();
                List<LockstepRun.Point> points = new ArrayList<>();
                long started = System.nanoTime();
                long deadline = started + (long) (3e9 * settings.envSteps() / (settings.robots() * settings.hz()))
                        + 300_000_000_000L;
                try (LocalStack stack = LocalStack.start(local)) {
                    long nextEval = 0;
                    while (true) {
                        Totals totals = sum(stack);
                        if (totals.steps() >= nextEval) {
                            MlpPolicy policy = stack.currentPolicy();
                            PolicyEvaluation.Score score = policy == null
                                    ? new PolicyEvaluation.Score(Double.NaN, Double.NaN) : evaluation.score(policy);
                            // the fleet statistics do not count operator steps: 0 here
                            points.add(new LockstepRun.Point(totals.steps(), score.meanAction(),
                                    score.sampledAction(), totals.takeovers(), 0, stack.learner().gradientSteps(),
                                    totals.episodes(), totals.successes(), (System.nanoTime() - started) / 1e9));
                            nextEval += settings.evalEvery();
                        }
                        progress.accept(new Progress(done + 1, total, algorithm, seed, totals.steps(),
                                settings.envSteps()));
                        if (totals.steps() >= settings.envSteps()) {
                            break;
                        }
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(algorithm + " seed " + seed + ": the fleet took only "
                                    + totals.steps() + " of " + settings.envSteps() + " steps in time");
                        }
                        Thread.sleep(200);
                    }
                    stack.stopFleet();
                }
                runs.add(new LockstepResults.Run(algorithm.id(), settings.spec().quality(), seed, points));
                done++;
            }
        }
        LockstepResults results = new LockstepResults(settings.task(), settings.envSteps(),
                List.of(settings.spec().quality()), operators, runs);
        LockstepReport.write(results, dir);
        return results;
    }

    /** The fleet's statistics over all policy versions. */
    private static Totals sum(LocalStack stack) {
        long steps = 0;
        long takeovers = 0;
        long episodes = 0;
        long successes = 0;
        for (Totals t : stack.board().totals().values()) {
            steps += t.steps();
            takeovers += t.takeovers();
            episodes += t.episodes();
            successes += t.successes();
        }
        return new Totals(steps, takeovers, episodes, successes);
    }
}
