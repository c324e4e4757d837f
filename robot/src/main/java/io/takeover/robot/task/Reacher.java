package io.takeover.robot.task;

import io.takeover.schemas.task.TaskSpec;
import java.util.List;
import java.util.Random;

/**
 * A two-link planar arm that must bring its fingertip to a target and hold it there: a small
 * manipulation task. Each joint is driven by a torque in [−1, 1] against viscous damping
 * ({@code q̈ = GAIN·u − DAMPING·q̇}, explicit Euler at {@code DT}); links of 0.1 m; the target
 * lies anywhere the arm can reach. 100 steps per episode, no other end.
 *
 * <p>Observation: {@code [cos q1, sin q1, cos q2, sin q2, target x, target y, q̇1, q̇2,
 * fingertip x − target x, fingertip y − target y]}. Success: the fingertip within
 * {@value #REACHED_M} m of the target and both joints slower than {@value #STILL_RAD_S} rad/s on
 * each of the last {@value #SUCCESS_WINDOW} steps.
 */
public final class Reacher implements Environment {

    public static final String NAME = "reacher";
    public static final double LINK = 0.1;
    public static final double GAIN = 10.0;
    public static final double DAMPING = 1.0;
    public static final double MAX_SPEED = 10.0;
    public static final double DT = 0.05;
    public static final int MAX_STEPS = 100;
    public static final int SUCCESS_WINDOW = 10;
    public static final double REACHED_M = 0.015;
    public static final double STILL_RAD_S = 0.5;

    /** −(0.4 + 0.01·2): fingertip as far from a target as the arm and the targets allow, full torque. */
    public static final float WORST_REWARD = (float) -(4 * LINK + 0.01 * 2);

    public static final TaskSpec SPEC = new TaskSpec(NAME, 10, 2, new float[] {-1, -1}, new float[] {1, 1},
            MAX_STEPS, (float) (1 / DT))
            .withNames(List.of("cos_q1", "sin_q1", "cos_q2", "sin_q2", "target_x", "target_y", "q1_dot", "q2_dot",
                    "tip_to_target_x", "tip_to_target_y"), List.of("torque1", "torque2"))
            .withDescription("a two-link arm brings its fingertip to a target (Gymnasium's Reacher, planar)");

    private double q1;
    private double q2;
    private double v1;
    private double v2;
    private double targetX;
    private double targetY;
    private float lastReward;
    private int stepsReached;

    @Override
    public TaskSpec spec() {
        return SPEC;
    }

    @Override
    public float[] reset(Random rng) {
        double radius = 0.05 + rng.nextDouble() * 0.14; // 0.05 .. 0.19 m: reachable, not through the base
        double angle = (rng.nextDouble() * 2 - 1) * Math.PI;
        return resetTo((rng.nextDouble() * 2 - 1) * Math.PI, (rng.nextDouble() * 2 - 1) * 2.5,
                radius * Math.cos(angle), radius * Math.sin(angle));
    }

    /** Starts an episode at joint angles {@code q1, q2}, at rest, with the target at (x, y). */
    public float[] resetTo(double q1, double q2, double x, double y) {
        this.q1 = q1;
        this.q2 = q2;
        this.v1 = 0;
        this.v2 = 0;
        this.targetX = x;
        this.targetY = y;
        lastReward = 0;
        stepsReached = 0;
        return observation();
    }

    /** Sets joint angles, target and joint speeds from an observation; see {@link Environment#restore}. */
    @Override
    public float[] restore(float[] observation) {
        resetTo(Math.atan2(observation[1], observation[0]), Math.atan2(observation[3], observation[2]),
                observation[4], observation[5]);
        v1 = observation[6];
        v2 = observation[7];
        return observation();
    }

    @Override
    public float[] step(float[] action) {
        double u1 = Math.max(-1, Math.min(1, action[0]));
        double u2 = Math.max(-1, Math.min(1, action[1]));
        lastReward = (float) -(distance() + 0.01 * (u1 * u1 + u2 * u2));
        v1 = clip(v1 + (GAIN * u1 - DAMPING * v1) * DT);
        v2 = clip(v2 + (GAIN * u2 - DAMPING * v2) * DT);
        q1 += v1 * DT;
        q2 += v2 * DT;
        boolean reached = distance() < REACHED_M && Math.abs(v1) < STILL_RAD_S && Math.abs(v2) < STILL_RAD_S;
        stepsReached = reached ? stepsReached + 1 : 0;
        return observation();
    }

    @Override
    public float lastReward() {
        return lastReward;
    }

    @Override
    public float worstReward() {
        return WORST_REWARD;
    }

    @Override
    public boolean terminated() {
        return false;
    }

    @Override
    public boolean succeeded() {
        return stepsReached >= SUCCESS_WINDOW;
    }

    private double fingertipX() {
        return LINK * Math.cos(q1) + LINK * Math.cos(q1 + q2);
    }

    private double fingertipY() {
        return LINK * Math.sin(q1) + LINK * Math.sin(q1 + q2);
    }

    private double distance() {
        return Math.hypot(fingertipX() - targetX, fingertipY() - targetY);
    }

    private static double clip(double v) {
        return Math.max(-MAX_SPEED, Math.min(MAX_SPEED, v));
    }

    private float[] observation() {
        return new float[] {(float) Math.cos(q1), (float) Math.sin(q1), (float) Math.cos(q2), (float) Math.sin(q2),
                (float) targetX, (float) targetY, (float) v1, (float) v2, (float) (fingertipX() - targetX),
                (float) (fingertipY() - targetY)};
    }
}
