package io.takeover.flink.label;

import io.takeover.schemas.Control;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;

/** The RLIF rule itself, free of Flink: who controls a step, and the label of a transition. */
public final class RlifLabel {

    /**
     * A step is operator-controlled when its own {@code control} says so, or when it lies inside
     * a TAKEOVER…HANDBACK interval of its robot: the latest intervention at or before its event
     * time is a TAKEOVER, by {@code operatorId}.
     */
    public static ResolvedStep resolve(Step step, boolean takenOver, String operatorId) {
        boolean operator = takenOver || step.getControl() == Control.OPERATOR;
        return new ResolvedStep(step, operator, takenOver ? operatorId : null);
    }

    /**
     * The transition from {@code from} to its successor {@code to} in the same episode: reward −1
     * and takeover=true exactly when the policy acted at {@code from} and the operator controls
     * {@code to}; 0 otherwise. The environment's reward is never used.
     */
    public static Transition transition(ResolvedStep from, ResolvedStep to, boolean takeoverEndsEpisode) {
        Step s = from.getStep();
        Step next = to.getStep();
        boolean takeover = !from.isOperator() && to.isOperator();
        return Transition.newBuilder()
                .setRobotId(s.getRobotId()).setTask(s.getTask()).setEpisodeId(s.getEpisodeId())
                .setStep(s.getStep()).setEventTime(s.getEventTime())
                .setObservation(s.getObservation()).setAction(s.getAction())
                .setNextObservation(next.getObservation())
                .setReward(takeover ? -1f : 0f)
                .setTerminal(next.getTerminated() || (takeover && takeoverEndsEpisode))
                .setSource(from.isOperator() ? Control.OPERATOR : Control.POLICY)
                .setTakeover(takeover)
                .setPolicyVersion(s.getPolicyVersion())
                .setOperatorId(from.isOperator() ? from.getOperatorId() : null)
                .build();
    }

    private RlifLabel() {}
}
