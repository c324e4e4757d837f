package io.takeover.robot.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.policy.PolicyTensors;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class MlpPolicyTest {

    /** One hidden layer of 2 units, computed by hand below. */
    public static PolicySnapshot snapshot() {
        List<WeightTensor> weights = List.of(
                PolicyTensors.tensor("layer0.weight", new int[] {2, 3}, new float[] {1, 0, 0, 0, 1, -1}),
                PolicyTensors.tensor("layer0.bias", new int[] {2}, new float[] {0, 0.5f}),
                PolicyTensors.tensor("layer1.weight", new int[] {2, 2}, new float[] {0.5f, -1, 0, 0}),
                PolicyTensors.tensor("layer1.bias", new int[] {2}, new float[] {0.1f, -1}));
        return PolicySnapshot.newBuilder().setTask("pendulum").setVersion(7).setParentVersion(6)
                .setCreatedAt(Instant.now()).setObsDim(3).setActDim(1).setActionLow(List.of(-2f))
                .setActionHigh(List.of(2f)).setArchitecture(PolicyTensors.TANH_GAUSSIAN_MLP).setWeights(weights)
                .setObsMean(List.of(0f, 0f, 1f)).setObsStd(List.of(1f, 1f, 2f))
                .setWeightsSha256(PolicyTensors.sha256(weights)).setLearnerStats(Map.of()).build();
    }

    @Test
    void actsAsTheArchitectureSays() throws Exception {
        MlpPolicy.Actor actor = MlpPolicy.load(snapshot(), Pendulum.SPEC).newActor();
        float[] action = new float[1];
        actor.act(new float[] {0.6f, 0.2f, 3f}, action);
        // x = (0.6, 0.2, (3-1)/2 = 1); h = relu(0.6, 0.2 - 1 + 0.5) = (0.6, 0); mean = 0.3 + 0.1 = 0.4
        assertEquals(2 * (float) Math.tanh(0.4), action[0], 1e-6f);
        assertArrayEquals(new float[] {0.4f, -1f}, actor.lastOutput(), 1e-6f);
        assertEquals(7, actor.version());
    }

    @Test
    void sampledActionsStayInBounds() throws Exception {
        MlpPolicy.Actor actor = MlpPolicy.load(snapshot(), Pendulum.SPEC).newActor();
        java.util.Random rng = new java.util.Random(1);
        float[] action = new float[1];
        for (int i = 0; i < 1000; i++) {
            actor.sample(new float[] {rng.nextFloat(), rng.nextFloat(), 8 * rng.nextFloat()}, rng, action);
            assertTrue(action[0] >= -2 && action[0] <= 2);
        }
    }

    @Test
    void aTamperedSnapshotIsRefusedWithTheReason() {
        PolicySnapshot tampered = snapshot();
        List<WeightTensor> weights = new ArrayList<>(tampered.getWeights());
        ByteBuffer data = ByteBuffer.allocate(weights.get(1).getData().remaining());
        data.put(weights.get(1).getData().duplicate()).put(0, (byte) 1).flip();
        weights.set(1, WeightTensor.newBuilder(weights.get(1)).setData(data).build());
        tampered.setWeights(weights);
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> MlpPolicy.load(tampered, Pendulum.SPEC));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    }

    @Test
    void aSnapshotForOtherDimensionsIsRefused() {
        PolicySnapshot wrong = snapshot();
        wrong.setObsDim(4);
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> MlpPolicy.load(wrong, Pendulum.SPEC));
        assertTrue(e.getMessage().contains("dimensions"), e.getMessage());
    }
}
