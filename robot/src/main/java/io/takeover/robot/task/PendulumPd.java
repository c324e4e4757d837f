package io.takeover.robot.task;

import static io.takeover.schemas.wire.FloatLists.boxed;

import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.policy.PolicyTensors;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A PD controller for the pendulum, written in the learner's architecture: one hidden layer of
 * two ReLUs (w·x and −w·x) whose difference is the mean, so the torque is
 * 2·tanh(−kp·sin θ − kd·θ̇). With positive gains it holds the pendulum upright once it is up;
 * with negative ones it pushes it over. Known-good and known-bad versions for release tests
 * and benchmarks, where a trained policy would make the outcome a matter of training.
 */
public final class PendulumPd {

    private PendulumPd() {}

    /** An unsigned snapshot of version {@code version} with these gains. */
    public static PolicySnapshot snapshot(long version, float kp, float kd) {
        List<WeightTensor> weights = List.of(
                PolicyTensors.tensor(PolicyTensors.weightName(0), new int[] {2, 3}, new float[] {0, -kp, -kd, 0, kp, kd}),
                PolicyTensors.tensor(PolicyTensors.biasName(0), new int[] {2}, new float[] {0, 0}),
                PolicyTensors.tensor(PolicyTensors.weightName(1), new int[] {2, 2}, new float[] {1, -1, 0, 0}),
                PolicyTensors.tensor(PolicyTensors.biasName(1), new int[] {2}, new float[] {0, -5}));
        return PolicySnapshot.newBuilder().setTask(Pendulum.NAME).setVersion(version).setParentVersion(0)
                .setCreatedAt(Instant.now()).setObsDim(3).setActDim(1)
                .setActionLow(boxed(Pendulum.SPEC.actionLow())).setActionHigh(boxed(Pendulum.SPEC.actionHigh()))
                .setArchitecture(PolicyTensors.TANH_GAUSSIAN_MLP).setWeights(weights)
                .setObsMean(List.of(0f, 0f, 0f)).setObsStd(List.of(1f, 1f, 1f))
                .setWeightsSha256(PolicyTensors.sha256(weights)).setLearnerStats(Map.of()).build();
    }
}
