package io.takeover.learner.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.takeover.learner.sac.SacAgent;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.sample.Batch;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.wire.Codecs;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a robot runs is what the learner learned: the snapshot, through its wire bytes alone,
 * run by the robot's plain-Java forward pass, gives the learner's actions within 1e-5.
 */
class SnapshotParityTest {

    @Test
    void theRobotsForwardPassFromSnapshotBytesMatchesTheLearner() throws Exception {
        float[] low = Pendulum.SPEC.actionLow();
        float[] high = Pendulum.SPEC.actionHigh();
        Random rng = new Random(5);
        try (SacAgent agent = new SacAgent(SacSettings.DEFAULT, 3, 1, low, high, new float[] {0.1f, -0.2f, 0.3f},
                new float[] {0.7f, 0.8f, 2.5f}, Device.cpu())) {
            Batch batch = Batch.allocate(256, 3, 1);
            for (int i = 0; i < 256 * 3; i++) {
                batch.observations()[i] = (float) rng.nextGaussian();
                batch.nextObservations()[i] = (float) rng.nextGaussian();
            }
            for (int step = 0; step < 5; step++) {
                agent.update(batch); // weights move away from their initialisation
            }
            PolicySnapshot snapshot = new SnapshotExporter("pendulum", low, high)
                    .export(agent.actor(), 4, 3, agent.obsMean(), agent.obsStd(), Map.of("gradient_steps", 5.0));
            byte[] wire = Codecs.POLICY_SNAPSHOT.encode(snapshot);

            MlpPolicy.Actor robot = MlpPolicy.load(Codecs.POLICY_SNAPSHOT.decode(wire), Pendulum.SPEC).newActor();
            float[] obs = new float[300];
            for (int i = 0; i < obs.length; i++) {
                obs[i] = (float) (rng.nextGaussian() * 3);
            }
            float[] expected = agent.act(obs, 100);
            float[] action = new float[1];
            for (int i = 0; i < 100; i++) {
                robot.act(new float[] {obs[3 * i], obs[3 * i + 1], obs[3 * i + 2]}, action);
                assertEquals(expected[i], action[0], 1e-5, "observation " + i);
            }
            assertEquals(4, robot.version());
        }
    }
}
