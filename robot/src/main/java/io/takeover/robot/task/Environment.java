package io.takeover.robot.task;

import io.takeover.schemas.task.TaskSpec;
import java.util.Random;

/** One robot's world for one task: stateful, deterministic given the Random it is reset with. */
public interface Environment {

    TaskSpec spec();

    /** Starts an episode; returns the first observation. */
    float[] reset(Random rng);

    /** Applies the action (clipped to the bounds); returns the next observation. */
    float[] step(float[] action);

    /**
     * Puts the simulator in the state an observation of this task shows, as a fresh episode, and
     * returns the observation of that state. The observation is the full state for every task
     * here, so a copy restored from a robot's observation steps exactly as the robot's world does
     * (to float precision): this is how an operator looks ahead.
     */
    float[] restore(float[] observation);

    /** The environment's own reward of the last step (metrics only; RLIF never learns from it). */
    float lastReward();

    /** The lowest reward one step can give: shifting by it makes rewards non-negative. */
    float worstReward();

    /** The task's own end of episode (not the time limit). */
    boolean terminated();

    /** Whether the episode so far meets the task's success criterion; meaningful at its end. */
    boolean succeeded();
}
