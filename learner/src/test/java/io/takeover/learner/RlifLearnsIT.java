package io.takeover.learner;

import io.takeover.replay.table.TableName;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.takeover.flink.label.RlifLabel;
import io.takeover.learner.publish.SnapshotExporter;
import io.takeover.learner.sac.SacAgent;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.sample.Batch;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.Table;
import io.takeover.robot.fleet.SimulatedRobot;
import io.takeover.robot.operator.OperatorSettings;
import io.takeover.robot.operator.PendulumSkill;
import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.robot.sdk.RobotOutbox;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RLIF learns from takeovers alone: simulated pendulum robots with scripted operators, their
 * steps labelled by the RLIF rule into the replay, SAC trained on it and its policy put back on
 * the robots, round after round, in one process. Takeovers per 1,000 steps must fall clearly.
 */
class RlifLearnsIT {

    private static final int ROBOTS = 4;
    private static final int STEPS_PER_ROUND = 1000;
    private static final int MAX_ROUNDS = 60;

    /** Pairs each robot's consecutive steps into labelled transitions, counts takeovers. */
    private static final class Labeller implements RobotOutbox {
        final Map<String, Step> last = new HashMap<>();
        final List<Transition> transitions = new ArrayList<>();
        int takeovers;
        int steps;

        @Override
        public void step(Step step) {
            Step prev = last.put(step.getRobotId(), step);
            if (!step.getAction().isEmpty()) {
                steps++;
            }
            if (prev != null && prev.getEpisodeId().equals(step.getEpisodeId())
                    && prev.getStep() + 1 == step.getStep()) {
                transitions.add(RlifLabel.transition(RlifLabel.resolve(prev, false, null),
                        RlifLabel.resolve(step, false, null), false));
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

    @Test
    @org.junit.jupiter.api.Timeout(900)
    void takeoversFallAsItLearnsFromThem(@TempDir Path dir) throws Exception {
        Labeller labeller = new Labeller();
        MlpPolicy[] current = {null};
        List<SimulatedRobot> robots = new ArrayList<>();
        for (int r = 0; r < ROBOTS; r++) {
            robots.add(new SimulatedRobot("robot-" + r, new Pendulum(), new ScriptedOperator("op-" + r,
                    new PendulumSkill(), OperatorSettings.DEFAULT, new Random(100 + r)), id -> current[0], labeller,
                    200 + r));
        }
        SacSettings sac = SacSettings.DEFAULT.withCritics(2).withBatchSize(256).withSeed(3);
        SnapshotExporter exporter = new SnapshotExporter(Pendulum.NAME, Pendulum.SPEC.actionLow(),
                Pendulum.SPEC.actionHigh());
        List<Double> rates = new ArrayList<>();
        try (ReplayStore replay = ReplayStore.open(ReplaySettings.defaults(dir, Pendulum.NAME, 3, 1, 1_000_000, 1))) {
            Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
            SacAgent agent = null;
            long start = System.nanoTime();
            Random rng = new Random(5);
            Batch batch = Batch.allocate(sac.batchSize(), 3, 1);
            // a fixed number of rounds, not a time budget: the run is seeded, so it does not depend on the machine
            for (int round = 0; round < MAX_ROUNDS && !learned(rates); round++) {
                labeller.takeovers = 0;
                labeller.steps = 0;
                while (labeller.steps < STEPS_PER_ROUND) {
                    now = now.plusMillis(50);
                    for (SimulatedRobot robot : robots) {
                        robot.tick(now);
                    }
                }
                rates.add(1000.0 * labeller.takeovers / labeller.steps);
                List<Transition> ts = new ArrayList<>(labeller.transitions);
                labeller.transitions.clear();
                replay.insert(ts, ts.stream().map(Codecs.TRANSITION::encode).toList(), Map.of());
                if (agent == null) {
                    agent = new SacAgent(sac, 3, 1, Pendulum.SPEC.actionLow(), Pendulum.SPEC.actionHigh(),
                            new float[] {0, 0, 0}, new float[] {1, 1, 8}, Device.cpu());
                }
                for (int k = 0; k < 250; k++) {
                    replay.sampler().sample(batch, rng);
                    agent.update(batch);
                }
                current[0] = MlpPolicy.load(exporter.export(agent.actor(), round + 1, round, agent.obsMean(),
                        agent.obsStd(), Map.of()), Pendulum.SPEC);
                System.out.printf("round %d: %.1f takeovers/1k steps, replay %d, %.0f s%n", round, rates.get(round),
                        replay.table(TableName.ONLINE).size(), (System.nanoTime() - start) / 1e9);
            }
            agent.close();
        }
        assertTrue(learned(rates), "takeovers per 1,000 steps did not fall to half the first policies' "
                + "over 5 rounds within " + MAX_ROUNDS + " rounds: " + rates);
    }

    /** Five rounds in a row averaging under half the takeover rate of the first two. */
    private static boolean learned(List<Double> rates) {
        int n = rates.size();
        if (n < 7) {
            return false;
        }
        double first = (rates.get(0) + rates.get(1)) / 2;
        double recent = rates.subList(n - 5, n).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return recent < 0.5 * first;
    }
}
