package io.takeover.robot.operator;

import io.takeover.robot.task.Pendulum;
import io.takeover.robot.task.Reacher;

/**
 * What a scripted operator knows about one task: how to judge risk and how to control it. A skill
 * may be wrong systematically (its {@link #bias}): the same state always gets the same wrong
 * action, as from a behaviour-cloned policy, which averaging over demonstrations does not fix.
 */
public interface OperatorSkill {

    /** The task this skill is for, by name. */
    String task();

    /** How wrong the skill is, systematically; 0 is the task's best scripted controller. */
    double bias();

    /** How many steps ahead the operator looks when it judges an action by its value. */
    int lookaheadSteps();

    /**
     * The value rule's alpha for this task (the RLIF paper sets it per task, 0.97 for pen): the
     * share of the reference action's value below which the policy's action is judged wrong. Set
     * where a calibrated 40% operator's own actions are judged wrong on a few per cent of the
     * states it visits and the reference controller's on none; lower, a wrong action is rarely
     * told from a right one, and takeovers are mostly the rule's random 5%.
     */
    double valueRuleAlpha();

    /** The operator's own judgement that the robot is heading for failure. */
    boolean headingForFailure(float[] obs, long step);

    /** Safe enough to hand control back to the policy. */
    boolean safe(float[] obs);

    /** The operator's action (imperfect through the bias; noise comes from the operator, not the skill). */
    float[] act(float[] obs);

    /** The skill for a task, by the task's name, without bias. */
    static OperatorSkill forTask(String task) {
        return forTask(task, 0);
    }

    /** The skill for a task, by the task's name, wrong systematically by {@code bias} >= 0. */
    static OperatorSkill forTask(String task, double bias) {
        return switch (task) {
            case Pendulum.NAME -> new PendulumSkill(bias);
            case Reacher.NAME -> new ReacherSkill(bias);
            default -> throw new IllegalArgumentException("no scripted operator for task '" + task + "'");
        };
    }
}
