package io.takeover.robot.task;

import io.takeover.schemas.task.TaskSpec;
import java.util.List;
import java.util.Random;

/**
 * Gymnasium's Pendulum-v1: same dynamics, constants, reward, observation
 * {@code [cos θ, sin θ, θ̇]}, torque in [−2, 2] and 200-step limit. θ = 0 is upright.
 *
 * <p>Success: upright ({@code |θ| < 0.3 rad}) and still ({@code |θ̇| < 1.5 rad/s}) on each of the
 * last 50 steps of the episode.
 */
public final class Pendulum implements Environment {

    public static final String NAME = "pendulum";
    public static final double MAX_SPEED = 8.0;
    public static final double MAX_TORQUE = 2.0;
    public static final double DT = 0.05;
    public static final double G = 10.0;
    public static final double M = 1.0;
    public static final double L = 1.0;
    public static final int MAX_STEPS = 200;
    public static final int SUCCESS_WINDOW = 50;
    public static final double UPRIGHT_RAD = 0.3;
    public static final double STILL_RAD_S = 1.5;

    /** −(π² + 0.1·8² + 0.001·2²): upside down, at full speed, at full torque. */
    public static final float WORST_REWARD =
            (float) -(Math.PI * Math.PI + 0.1 * MAX_SPEED * MAX_SPEED + 0.001 * MAX_TORQUE * MAX_TORQUE);

    public static final TaskSpec SPEC = new TaskSpec(NAME, 3, 1, new float[] {(float) -MAX_TORQUE},
            new float[] {(float) MAX_TORQUE}, MAX_STEPS, (float) (1 / DT))
            .withNames(List.of("cos_theta", "sin_theta", "theta_dot"), List.of("torque"))
            .withDescription("Gymnasium's Pendulum-v1: swing the pendulum up and hold it upright");

    private double theta;
    private double thetaDot;
    private float lastReward;
    private int stepsUprightAndStill;

    @Override
    public TaskSpec spec() {
        return SPEC;
    }

    @Override
    public float[] reset(Random rng) {
        theta = (rng.nextDouble() * 2 - 1) * Math.PI;
        thetaDot = rng.nextDouble() * 2 - 1;
        lastReward = 0;
        stepsUprightAndStill = 0;
        return observation();
    }

    /** Starts an episode from a given state (θ from upright, θ̇), as Gymnasium's reset options do. */
    public float[] resetTo(double theta, double thetaDot) {
        this.theta = theta;
        this.thetaDot = thetaDot;
        lastReward = 0;
        stepsUprightAndStill = 0;
        return observation();
    }

    @Override
    public float[] restore(float[] observation) {
        return resetTo(Math.atan2(observation[1], observation[0]), observation[2]);
    }

    @Override
    public float[] step(float[] action) {
        double u = Math.max(-MAX_TORQUE, Math.min(MAX_TORQUE, action[0]));
        double angle = normalizeAngle(theta);
        lastReward = (float) -(angle * angle + 0.1 * thetaDot * thetaDot + 0.001 * u * u);
        double newThetaDot = thetaDot + (3 * G / (2 * L) * Math.sin(theta) + 3.0 / (M * L * L) * u) * DT;
        newThetaDot = Math.max(-MAX_SPEED, Math.min(MAX_SPEED, newThetaDot));
        theta = theta + newThetaDot * DT;
        thetaDot = newThetaDot;
        boolean uprightAndStill = Math.abs(normalizeAngle(theta)) < UPRIGHT_RAD && Math.abs(thetaDot) < STILL_RAD_S;
        stepsUprightAndStill = uprightAndStill ? stepsUprightAndStill + 1 : 0;
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
        return false; // Pendulum-v1 only ends at its time limit
    }

    @Override
    public boolean succeeded() {
        return stepsUprightAndStill >= SUCCESS_WINDOW;
    }

    /** Angle from upright in [−π, π), as Gymnasium's angle_normalize. */
    public static double normalizeAngle(double x) {
        return ((x + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;
    }

    private float[] observation() {
        return new float[] {(float) Math.cos(theta), (float) Math.sin(theta), (float) thetaDot};
    }
}
