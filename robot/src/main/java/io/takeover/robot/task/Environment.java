package io.takeover.robot.task;

import java.util.Random;

/** One robot's world for one task: stateful, deterministic given the Random it is reset with. */
public interface Environment {

    TaskSpec spec();

    /** Starts an episode; returns the first observation. */
    float[] reset(Random rng);

    /** Applies the action (clipped to the bounds); returns the next observation. */
    float[] step(float[] action);

    /** The environment's own reward of the last step (metrics only; RLIF never learns from it). */
    float lastReward();

    /** The task's own end of episode (not the time limit). */
    boolean terminated();

    /** Whether the episode so far meets the task's success criterion; meaningful at its end. */
    boolean succeeded();
}
