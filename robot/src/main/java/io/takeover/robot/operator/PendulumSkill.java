package io.takeover.robot.operator;

import io.takeover.robot.task.Pendulum;

/**
 * Energy-pumping swing-up and a PD hold near upright. Risk: still hanging low once the
 * episode is under way, or spinning fast enough to lose control.
 *
 * <p>With a bias the operator misjudges gravity as {@code A·(1+bias)}, so it pumps too much energy
 * into the swing-up and arrives too fast to catch; it holds with too little damping,
 * {@code 2·(1−bias/2)}, so it catches less; and its idea of upright is tilted by
 * {@value #HOLD_OFFSET_PER_BIAS} rad per unit of bias. Alone it succeeds almost always up to a bias
 * of about 0.6 and almost never from about 2.
 */
public final class PendulumSkill implements OperatorSkill {

    /** θ'' = A sin θ + 3u for Pendulum-v1's constants. */
    private static final double A = 3 * Pendulum.G / (2 * Pendulum.L);
    private static final int GRACE_STEPS = 40;
    private static final int LOOKAHEAD_STEPS = 50;
    private static final double KP = 10;
    private static final double KD = 2;
    static final double HOLD_OFFSET_PER_BIAS = 0.05;

    private final double bias;
    private final double holdAngle;
    private final double gravity;
    private final double damping;

    /** The unbiased skill. */
    public PendulumSkill() {
        this(0);
    }

    public PendulumSkill(double bias) {
        if (!(bias >= 0)) {
            throw new IllegalArgumentException("an operator's bias is >= 0, got " + bias);
        }
        this.bias = bias;
        this.holdAngle = HOLD_OFFSET_PER_BIAS * bias;
        this.gravity = A * (1 + bias);
        this.damping = KD * (1 - bias / 2);
    }

    @Override
    public String task() {
        return Pendulum.NAME;
    }

    @Override
    public double bias() {
        return bias;
    }

    /**
     * A 40% operator's actions are judged wrong on 5.7% of the states it visits, a random policy's
     * on 33%, the reference's on none (at 0.97: 1.9%, 6.0%, 0).
     */
    @Override
    public double valueRuleAlpha() {
        return 0.998;
    }

    @Override
    public int lookaheadSteps() {
        return LOOKAHEAD_STEPS;
    }

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
            u = -KP * (theta - holdAngle) - damping * thetaDot; // hold upright, as the operator sees upright
        } else {
            double energy = 0.5 * thetaDot * thetaDot + gravity * Math.cos(theta);
            double pump = Math.signum(thetaDot == 0 ? 1 : thetaDot);
            u = energy < gravity ? 2 * pump : -2 * pump;
        }
        return new float[] {(float) Math.max(-Pendulum.MAX_TORQUE, Math.min(Pendulum.MAX_TORQUE, u))};
    }
}
