package io.takeover.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated value of every record of the contract. */
final class Samples {

    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

    static Step step() {
        return Step.newBuilder().setRobotId("r-1").setTask("pendulum").setEpisodeId("r-1/7").setStep(3)
                .setEventTime(T0).setObservation(List.of(0.5f, -0.25f, 1.5f)).setAction(List.of(-1.75f))
                .setPolicyVersion(4).setControl(Control.OPERATOR).setReward(-0.3f).setTerminated(false)
                .setTruncated(true).setSuccess(true).build();
    }

    static Intervention intervention() {
        return Intervention.newBuilder().setRobotId("r-1").setEpisodeId("r-1/7").setOperatorId("op-3")
                .setEventTime(T0).setKind(InterventionKind.TAKEOVER).setReason("falling").build();
    }

    static Transition transition() {
        return Transition.newBuilder().setRobotId("r-1").setTask("pendulum").setEpisodeId("r-1/7").setStep(3)
                .setEventTime(T0).setObservation(List.of(1f, 0f, 0f)).setAction(List.of(2f))
                .setNextObservation(List.of(0.9f, 0.1f, 0.2f)).setReward(-1f).setTerminal(false)
                .setSource(Control.POLICY).setTakeover(true).setPolicyVersion(4).setOperatorId(null).build();
    }

    static PolicySnapshot policySnapshot() {
        WeightTensor w = WeightTensor.newBuilder().setName("layer0.weight").setShape(List.of(1, 2))
                .setData(ByteBuffer.wrap(new byte[] {0, 0, -128, 63, 0, 0, 0, 64})).build();
        return PolicySnapshot.newBuilder().setTask("pendulum").setVersion(2).setParentVersion(1).setCreatedAt(T0)
                .setObsDim(3).setActDim(1).setActionLow(List.of(-2f)).setActionHigh(List.of(2f))
                .setArchitecture("tanh-gaussian-mlp/relu").setWeights(List.of(w))
                .setObsMean(List.of(0f, 0f, 0f)).setObsStd(List.of(1f, 1f, 1f))
                .setWeightsSha256("ab").setLearnerStats(Map.of("gradient_steps", 100.0)).build();
    }

    static FleetStats fleetStats() {
        return FleetStats.newBuilder().setTask("pendulum").setPolicyVersion(2).setWindowStart(T0)
                .setWindowEnd(T0.plusSeconds(10)).setRobots(4).setSteps(800).setTakeovers(3)
                .setTakeoversPer1kSteps(3.75).setEpisodes(4).setSuccesses(1).build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setSourceTopic("takeover.steps").setPartition(2).setOffset(41)
                .setKey(ByteBuffer.wrap(new byte[] {1})).setValue(ByteBuffer.wrap(new byte[] {9, 9}))
                .setReason("UNDECODABLE").setMessage("corrupt").setRejectedAt(T0).build();
    }

    static TaskRegistration taskRegistration() {
        return TaskRegistration.newBuilder().setName("point2d").setObsDim(4).setActDim(2)
                .setActionLow(List.of(-1f, -1f)).setActionHigh(List.of(1f, 1f)).setMaxEpisodeSteps(50)
                .setControlHz(50f).setObservationNames(List.of("x", "y", "goal_dx", "goal_dy"))
                .setActionNames(List.of("vx", "vy")).setObservationMean(List.of(0f, 0f, 0f, 0f))
                .setObservationStd(List.of(0.5f, 0.5f, 0.75f, 0.75f)).setDescription("a point that drives to a goal")
                .setRegisteredBy("robot-team").setRegisteredAt(T0).build();
    }

    static Release release() {
        return Release.newBuilder().setTask("pendulum").setChannel("canary").setVersion(0).setSetBy("canary-gate")
                .setSetAt(T0).setReason("rolled back: worse than stable").setPinned(false).setCanaryShare(0)
                .setHistory(List.of(7L)).setEvidence(Map.of("rate_ratio", 3.0)).build();
    }

    static TeleopCommand teleopCommand() {
        return TeleopCommand.newBuilder().setRobotId("robot-7").setOperatorId("ana").setKind(TeleopKind.DRIVE)
                .setAction(List.of(-0.5f)).setSentAt(T0).setReason(null).build();
    }

    private Samples() {}
}
