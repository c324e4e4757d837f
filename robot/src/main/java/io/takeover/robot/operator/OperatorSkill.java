package io.takeover.robot.operator;

import io.takeover.robot.task.Pendulum;
import io.takeover.robot.task.Reacher;

/** What a scripted operator knows about one task: how to judge risk and how to control it. */
public interface OperatorSkill {

    /** The operator's own judgement that the robot is heading for failure. */
    boolean headingForFailure(float[] obs, long step);

    /** Safe enough to hand control back to the policy. */
    boolean safe(float[] obs);

    /** The operator's action (imperfect: noise comes from the operator, not the skill). */
    float[] act(float[] obs);

    /** The skill for a task, by the task's name. */
    static OperatorSkill forTask(String task) {
        return switch (task) {
            case Pendulum.NAME -> new PendulumSkill();
            case Reacher.NAME -> new ReacherSkill();
            default -> throw new IllegalArgumentException("no scripted operator for task '" + task + "'");
        };
    }
}
