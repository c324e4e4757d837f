package io.takeover.robot.operator;

import io.takeover.robot.task.Pendulum;

/**
 * Energy-pumping swing-up and a PD hold near upright. Risk: still hanging low once the
 * episode is under way, or spinning fast enough to lose control.
 */
public final class PendulumSkill implements OperatorSkill {

    /** θ'' = A sin θ + 3u for Pendulum-v1's constants. */
    private static final double A = 3 * Pendulum.G / (2 * Pendulum.L);
    private static final int GRACE_STEPS = 40;

    @Override
    public boolean headingForFailure(float[] obs, long step) {
        boolean low = obs[0] < 0; // below horizontal
        boolean spinning = Math.abs(obs[2]) > 7;
        return spinning || (low && step >= GRACE_STEPS);
    }

    @Override
    public boolean safe(float[] obs) {
        return obs[0] > 0.97 && Math.abs(obs[2]) < 1.0;
    }

    @Override
    public float[] act(float[] obs) {
        double theta = Math.atan2(obs[1], obs[0]);
        double thetaDot = obs[2];
        double u;
        if (obs[0] > 0.9) {
            u = -10 * theta - 2 * thetaDot; // hold upright
        } else {
            double energy = 0.5 * thetaDot * thetaDot + A * Math.cos(theta);
            double pump = Math.signum(thetaDot == 0 ? 1 : thetaDot);
            u = energy < A ? 2 * pump : -2 * pump;
        }
        return new float[] {(float) Math.max(-Pendulum.MAX_TORQUE, Math.min(Pendulum.MAX_TORQUE, u))};
    }
}
