package io.takeover.tools.experiment;

import ai.djl.Device;
import io.takeover.flink.label.ResolvedStep;
import io.takeover.flink.label.RlifLabel;
import io.takeover.learner.Agent;
import io.takeover.learner.AgentSettings;
import io.takeover.learner.Algorithm;
import io.takeover.learner.Learner;
import io.takeover.learner.bc.BcSettings;
import io.takeover.learner.publish.SnapshotExporter;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.sample.Batch;
import io.takeover.replay.store.MixedSampler;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.TableName;
import io.takeover.robot.fleet.Demonstrations;
import io.takeover.robot.fleet.SimulatedRobot;
import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.policy.InvalidPolicyException;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.robot.sdk.RobotOutbox;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.robot.task.Simulators;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One arm, one seed, in lock-step: a simulated robot and its operator take an environment step;
 * the RLIF rule labels it (the label job's own {@link RlifLabel}); the transition goes into a
 * RocksDB replay; the learner takes exactly {@code updatesPerEnvStep} gradient steps per
 * environment step; the robot acts with the newest policy, run as robots run it
 * ({@link MlpPolicy}); every {@code evalEvery} steps the policy is evaluated alone.
 */
public final class LockstepRun {

    /**
     * One evaluation point.
     *
     * @param envSteps        environment steps so far (demonstrations not counted)
     * @param success         the policy alone, deterministic actions, on the fixed start states
     * @param successSampled  the same with sampled actions
     * @param takeovers       takeovers so far
     * @param operatorSteps   steps the operator controlled so far, demonstrations included
     * @param gradientSteps   gradient steps so far, pre-training included
     * @param episodes        training episodes ended so far (shared control)
     * @param episodeSuccesses of those, the successful ones
     * @param seconds         wall time so far
     */
    public record Point(long envSteps, double success, double successSampled, long takeovers, long operatorSteps,
            long gradientSteps, long episodes, long episodeSuccesses, double seconds) {}

    private static final int DT_MILLIS = 50;

    private final LockstepSettings s;
    private final TaskSpec spec;
    private final PolicyEvaluation evaluation;
    private final List<Transition> pending = new ArrayList<>();
    private ResolvedStep previous;
    private long takeovers;
    private long operatorSteps;
    private long episodes;
    private long episodeSuccesses;
    private volatile MlpPolicy policy;

    public LockstepRun(LockstepSettings settings) {
        this.s = settings;
        this.spec = Simulators.spec(settings.task());
        this.evaluation = new PolicyEvaluation(settings.task(), settings.evalEpisodes(), 1_000_000);
    }

    public List<Point> run(Path dir, Consumer<Point> progress) throws InvalidPolicyException, InterruptedException {
        long started = System.nanoTime();
        List<Point> points = new ArrayList<>();
        ReplaySettings replaySettings = ReplaySettings.defaults(dir.resolve("replay"), spec.name(), spec.obsDim(),
                spec.actDim(), s.envSteps() + 1000, 1).withMix(s.mix());
        try (ReplayStore replay = ReplayStore.open(replaySettings)) {
            Demonstrations.Recorded demos = Demonstrations.record(() -> Simulators.create(spec.name()),
                    ScriptedOperator.forTask("demonstrator", spec.name(), s.operator(),
                            new Random(s.seed() * 7919 + 1)), s.demonstrations(), s.seed() * 7919 + 2);
            List<Transition> seen = new ArrayList<>(demos.transitions());
            if (!demos.transitions().isEmpty()) {
                replay.insertInto(TableName.PRIOR, demos.transitions(), wire(demos.transitions()));
            }
            operatorSteps = demos.transitions().size();

            MixedSampler sampler = Learner.sampler(s.algorithm(), replay);
            Random batches = new Random(s.seed() * 7919 + 3);
            List<Batch> step = new ArrayList<>();
            for (int i = 0; i < Math.max(1, s.utd()); i++) {
                step.add(Batch.allocate(s.batchSize(), spec.obsDim(), spec.actDim()));
            }
            SnapshotExporter exporter = new SnapshotExporter(spec.name(), spec.actionLow(), spec.actionHigh());

            ScriptedOperator operator = ScriptedOperator.forTask("operator", spec.name(), s.operator(),
                    new Random(s.seed() * 7919 + 4));
            SimulatedRobot robot = new SimulatedRobot("robot", Simulators.create(spec.name()), operator,
                    id -> policy, new Labeller(), s.seed() * 7919 + 5);

            Agent agent = null;
            long gradientSteps = 0;
            long updatesAllowedFrom = s.warmupSteps();
            long version = 0;
            try {
                if (s.algorithm() == Algorithm.HG_DAGGER && s.pretrainSteps() > 0 && !seen.isEmpty()) {
                    agent = newAgent(normalisation(seen));
                    for (int i = 0; i < s.pretrainSteps(); i++) {
                        Batch b = step.get(0);
                        replay.table(TableName.PRIOR).sampler().sample(replay.table(TableName.PRIOR), b, 0, b.size(),
                                batches);
                        agent.update(List.of(b));
                        gradientSteps++;
                    }
                    policy = export(exporter, agent, ++version);
                    updatesAllowedFrom = 0;
                }
                Instant now = Instant.ofEpochMilli(1_000_000);
                long envStep = 0;
                long updates = 0;
                points.add(point(0, gradientSteps, started));
                progress.accept(points.get(points.size() - 1));
                while (envStep < s.envSteps()) {
                    robot.tick(now);
                    now = now.plusMillis(DT_MILLIS);
                    envStep++;
                    if (!pending.isEmpty()) {
                        seen.addAll(pending);
                        replay.insert(pending, wire(pending), Map.of());
                        pending.clear();
                    }
                    if (envStep >= updatesAllowedFrom) {
                        if (agent == null) {
                            agent = newAgent(normalisation(seen));
                        }
                        long allowed = (long) Math.floor(s.updatesPerEnvStep() * (envStep - updatesAllowedFrom + 1));
                        while (updates < allowed) {
                            for (Batch b : step) {
                                sampler.sample(b, batches);
                            }
                            agent.update(s.algorithm() == Algorithm.HG_DAGGER ? step.subList(0, 1) : step);
                            updates++;
                            gradientSteps++;
                        }
                        if (envStep % s.refreshEvery() == 0) {
                            policy = export(exporter, agent, ++version);
                        }
                    }
                    if (envStep % s.evalEvery() == 0) {
                        points.add(point(envStep, gradientSteps, started));
                        progress.accept(points.get(points.size() - 1));
                    }
                }
            } finally {
                if (agent != null) {
                    agent.close();
                }
            }
        }
        return points;
    }

    private Point point(long envSteps, long gradientSteps, long started) {
        PolicyEvaluation.Score score = policy == null ? new PolicyEvaluation.Score(Double.NaN, Double.NaN)
                : evaluation.score(policy);
        return new Point(envSteps, score.meanAction(), score.sampledAction(), takeovers, operatorSteps, gradientSteps,
                episodes, episodeSuccesses, (System.nanoTime() - started) / 1e9);
    }

    private Agent newAgent(float[][] normalisation) {
        AgentSettings agent = s.algorithm() == Algorithm.HG_DAGGER
                ? new BcSettings(s.hidden(), s.depth(), s.batchSize(), BcSettings.DEFAULT.lr(), s.seed())
                : SacSettings.DEFAULT.withHidden(s.hidden()).withDepth(s.depth()).withBatchSize(s.batchSize())
                        .withCritics(s.critics()).withUtd(s.utd()).withSeed(s.seed());
        return Learner.newAgent(agent, spec.obsDim(), spec.actionLow(), spec.actionHigh(), normalisation, Device.cpu());
    }

    private MlpPolicy export(SnapshotExporter exporter, Agent agent, long version) throws InvalidPolicyException {
        return MlpPolicy.load(exporter.export(agent.actor(), version, version - 1, agent.obsMean(), agent.obsStd(),
                Map.of()), spec);
    }

    /** Per-dimension mean and std of the observations seen so far; fixed for the learner's life. */
    private float[][] normalisation(List<Transition> seen) {
        int d = spec.obsDim();
        double[] sum = new double[d];
        double[] squares = new double[d];
        for (Transition t : seen) {
            for (int j = 0; j < d; j++) {
                double v = t.getObservation().get(j);
                sum[j] += v;
                squares[j] += v * v;
            }
        }
        int n = Math.max(1, seen.size());
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) (sum[j] / n);
            std[j] = (float) Math.max(Math.sqrt(Math.max(0, squares[j] / n - mean[j] * (double) mean[j])), 1e-2);
        }
        return new float[][] {mean, std};
    }

    private static List<byte[]> wire(List<Transition> transitions) {
        return transitions.stream().map(Codecs.TRANSITION::encode).toList();
    }

    /**
     * The robot's outbox: each step labelled against its predecessor in the episode exactly as the
     * label job does (who controls a step is its own {@code control}; in lock-step nothing is late).
     */
    private final class Labeller implements RobotOutbox {

        @Override
        public void step(Step step) {
            ResolvedStep current = RlifLabel.resolve(step, false, null);
            if (previous != null && previous.getStep().getEpisodeId().equals(step.getEpisodeId())) {
                pending.add(RlifLabel.transition(previous, current, false));
            }
            boolean last = step.getAction().isEmpty();
            if (!last && step.getControl() == Control.OPERATOR) {
                operatorSteps++;
            }
            if (last) {
                episodes++;
                episodeSuccesses += Boolean.TRUE.equals(step.getSuccess()) ? 1 : 0;
                previous = null;
            } else {
                previous = current;
            }
        }

        @Override
        public void intervention(Intervention intervention) {
            if (intervention.getKind() == InterventionKind.TAKEOVER) {
                takeovers++;
            }
        }

        @Override
        public void close() {}
    }
}
